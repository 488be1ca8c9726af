#include "kdmp/pdb.hpp"

#include <algorithm>
#include <cstring>

#include "kdmp/block_cache.hpp"
#include "kdmp/le.hpp"

namespace kdmp {

namespace {

constexpr char kMsfMagic[] = "Microsoft C/C++ MSF 7.00\r\n\x1a" "DS\0\0";  // 32 bytes with the trailing NULs
constexpr size_t kMsfMagicSize = 32;
constexpr uint32_t kNilStreamSize = 0xffffffffu;

constexpr size_t kInfoStream = 1, kDbiStream = 3;
constexpr size_t kDbiHeaderSize = 64;
constexpr size_t kSectionHeaderDbgIndex = 5;  // in the DBI optional debug header's array of stream numbers
constexpr size_t kMaxDebugStreams = 16;       // the header has 11 entries; later ones are kept but unused

// CodeView symbol record kinds.
constexpr uint16_t kPub32 = 0x110e;
constexpr uint16_t kLProc32 = 0x110f, kGProc32 = 0x1110, kLProc32Id = 0x1146, kGProc32Id = 0x1147;
constexpr uint16_t kLProc32Dpc = 0x1155, kLProc32DpcId = 0x1156;

constexpr uint32_t kMaxStreams = 1u << 20;
constexpr uint32_t kMaxModules = 1u << 16;
constexpr size_t kWindow = 256 * 1024;  // bytes of a symbol stream parsed at a time

Error broken(const std::string& what, uint64_t where) {
  return make_error(ErrorCode::BadHeader, "PDB: " + what, where);
}

bool is_procedure(uint16_t kind) {
  return kind == kLProc32 || kind == kGProc32 || kind == kLProc32Id || kind == kGProc32Id || kind == kLProc32Dpc ||
         kind == kLProc32DpcId;
}

std::string_view record_name(std::span<const uint8_t> rec, size_t at) {
  if (at >= rec.size()) return {};
  const auto* begin = reinterpret_cast<const char*>(rec.data() + at);
  const size_t n = strnlen(begin, rec.size() - at);
  return std::string_view(begin, n);
}

// An x86 public's C decoration removed, as WinDbg shows it: _name (cdecl), _name@12 (stdcall) and @name@8 (fastcall)
// are all "name". C++ names (?...) and anything else are left as they are. Only 32-bit x86 decorates this way.
std::string_view undecorate_x86_public(std::string_view name) {
  if (name.size() < 2 || (name[0] != '_' && name[0] != '@')) return name;
  std::string_view bare = name.substr(1);
  if (const size_t at = bare.rfind('@'); at != std::string_view::npos && at + 1 < bare.size() &&
                                         bare.find_first_not_of("0123456789", at + 1) == std::string_view::npos) {
    bare = bare.substr(0, at);
  } else if (name[0] == '@') {
    return name;  // '@' without the "@N" argument size is not a fastcall decoration
  }
  return bare.empty() ? name : bare;
}

}  // namespace

bool is_pdb(std::span<const uint8_t> b) {
  return b.size() >= kMsfMagicSize && std::memcmp(b.data(), kMsfMagic, kMsfMagicSize) == 0;
}

Result<Pdb> Pdb::open(std::unique_ptr<ByteSource> raw) {
  Pdb pdb;
  CacheOptions cache;
  cache.block_size = 256 * 1024;
  cache.budget = 2 * 1024 * 1024;
  pdb.source_ = std::make_unique<BlockCache>(std::move(raw), cache);
  std::array<uint8_t, 56> super{};
  if (auto st = read_exact(*pdb.source_, 0, super); !st.ok()) return broken("no superblock: " + st.error().message, 0);
  if (!is_pdb(super)) return broken("not an MSF 7.0 file (no \"Microsoft C/C++ MSF 7.00\" magic)", 0);
  pdb.block_size_ = le::u32(super, 32);
  const uint32_t blocks = le::u32(super, 40);
  const uint32_t directory_bytes = le::u32(super, 44);
  const uint32_t block_map = le::u32(super, 52);
  if (pdb.block_size_ != 512 && pdb.block_size_ != 1024 && pdb.block_size_ != 2048 && pdb.block_size_ != 4096) {
    return broken("block size " + std::to_string(pdb.block_size_) + " is not 512, 1024, 2048 or 4096", 32);
  }
  if (uint64_t{blocks} * pdb.block_size_ > pdb.source_->size()) {
    return broken(std::to_string(blocks) + " blocks of " + std::to_string(pdb.block_size_) +
                      " bytes do not fit in the file's " + std::to_string(pdb.source_->size()) + " bytes",
                  40);
  }
  pdb.block_count_ = blocks;
  if (auto st = pdb.read_directory(directory_bytes, block_map); !st.ok()) return st.error();
  if (auto st = pdb.read_info(); !st.ok()) return st.error();
  if (auto st = pdb.read_dbi(); !st.ok()) return st.error();
  return pdb;
}

Status Pdb::read_directory(uint32_t directory_bytes, uint32_t block_map_address) {
  const uint64_t directory_blocks = (uint64_t{directory_bytes} + block_size_ - 1) / block_size_;
  if (directory_bytes < 4 || block_map_address >= block_count_ || directory_blocks * 4 > block_size_) {
    return broken("the stream directory (" + std::to_string(directory_bytes) + " bytes, block map at block " +
                      std::to_string(block_map_address) + ") does not fit",
                  44);
  }
  std::vector<uint8_t> map(static_cast<size_t>(directory_blocks) * 4);
  if (auto st = read_exact(*source_, uint64_t{block_map_address} * block_size_, map); !st.ok()) return st.error();
  std::vector<uint8_t> dir(directory_bytes);
  for (uint64_t i = 0; i < directory_blocks; ++i) {
    const uint32_t block = le::u32(map, static_cast<size_t>(i) * 4);
    if (block >= block_count_) return broken("directory block " + std::to_string(block) + " is past the file", 52);
    const size_t at = static_cast<size_t>(i) * block_size_;
    const size_t n = std::min<size_t>(block_size_, directory_bytes - at);
    if (auto st = read_exact(*source_, uint64_t{block} * block_size_, std::span<uint8_t>(dir.data() + at, n));
        !st.ok()) {
      return st.error();
    }
  }
  const uint32_t count = le::u32(dir, 0);
  if (count > kMaxStreams || uint64_t{count} * 4 + 4 > directory_bytes) {
    return broken(std::to_string(count) + " streams do not fit in a " + std::to_string(directory_bytes) +
                      "-byte directory",
                  0);
  }
  streams_.resize(count);
  size_t at = 4 + size_t{count} * 4;
  for (uint32_t s = 0; s < count; ++s) {
    uint32_t size = le::u32(dir, 4 + size_t{s} * 4);
    if (size == kNilStreamSize) size = 0;
    const uint64_t n = (uint64_t{size} + block_size_ - 1) / block_size_;
    if (n > block_count_ || !le::fits(dir, at, static_cast<size_t>(n) * 4)) {
      return broken("stream " + std::to_string(s) + " (" + std::to_string(size) +
                        " bytes) has more blocks than the directory lists",
                    at);
    }
    streams_[s] = {size, static_cast<uint32_t>(blocks_.size())};
    for (uint64_t i = 0; i < n; ++i) {
      const uint32_t block = le::u32(dir, at + static_cast<size_t>(i) * 4);
      if (block >= block_count_) {
        return broken("stream " + std::to_string(s) + " names block " + std::to_string(block) +
                          ", past the file's " + std::to_string(block_count_),
                      at);
      }
      blocks_.push_back(block);
    }
    at += static_cast<size_t>(n) * 4;
  }
  return Ok{};
}

Status Pdb::read_stream(size_t stream, uint32_t offset, std::span<uint8_t> out) {
  if (stream >= streams_.size()) return broken("no stream " + std::to_string(stream), stream);
  const Stream& s = streams_[stream];
  if (offset > s.size || out.size() > s.size - offset) {
    return broken(std::to_string(out.size()) + " bytes at offset " + std::to_string(offset) + " run past stream " +
                      std::to_string(stream) + "'s " + std::to_string(s.size) + " bytes",
                  offset);
  }
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t pos = uint64_t{offset} + done;
    size_t index = static_cast<size_t>(pos / block_size_);
    const uint32_t in_block = static_cast<uint32_t>(pos % block_size_);
    // Blocks that follow each other in the file are read together.
    const uint32_t first = blocks_[s.first_block + index];
    size_t n = std::min<size_t>(block_size_ - in_block, out.size() - done);
    uint32_t expected = first + 1;
    while (done + n < out.size() && blocks_[s.first_block + index + 1] == expected) {
      ++index;
      ++expected;
      n += std::min<size_t>(block_size_, out.size() - done - n);
    }
    if (auto st = read_exact(*source_, uint64_t{first} * block_size_ + in_block, out.subspan(done, n)); !st.ok()) {
      return st.error();
    }
    done += n;
  }
  return Ok{};
}

Status Pdb::read_info() {
  if (stream_size(kInfoStream) < 28) return broken("the PDB info stream (1) is missing or too short", 0);
  std::array<uint8_t, 28> info{};
  if (auto st = read_stream(kInfoStream, 0, info); !st.ok()) return st.error();
  age_ = le::u32(info, 8);
  std::copy(info.begin() + 12, info.end(), guid_.bytes.begin());
  // The named-stream map is optional for what this reader needs (the string table of FPO programs): a broken one
  // leaves the map empty rather than refusing the PDB.
  (void)read_named_streams(28, stream_size(kInfoStream));
  return Ok{};
}

// The info stream's named-stream map after the 28-byte header: the names (a buffer of NUL-terminated strings),
// then a hash table {Size, Capacity, present bit vector, deleted bit vector, (name offset, stream) per present
// bucket}.
Status Pdb::read_named_streams(uint32_t at, uint32_t end) {
  constexpr uint32_t kMaxNames = 64 * 1024, kMaxCapacity = 4096;
  auto u32_at = [&](uint32_t pos) -> Result<uint32_t> {
    std::array<uint8_t, 4> b{};
    if (pos > end || end - pos < 4) return broken("the named-stream map runs past the info stream", pos);
    if (auto st = read_stream(kInfoStream, pos, b); !st.ok()) return st.error();
    return le::u32(b, 0);
  };
  KDMP_TRY(names_size, u32_at(at));
  if (names_size > kMaxNames || names_size > end - at - 4) return broken("the named-stream names overflow", at);
  std::vector<uint8_t> names(names_size);
  if (auto st = read_stream(kInfoStream, at + 4, names); !st.ok()) return st.error();
  uint32_t pos = at + 4 + names_size;
  KDMP_TRY(size, u32_at(pos));
  KDMP_TRY(capacity, u32_at(pos + 4));
  if (capacity > kMaxCapacity || size > capacity) return broken("the named-stream hash table is too large", pos);
  KDMP_TRY(present_words, u32_at(pos + 8));
  if (present_words > kMaxCapacity / 32 + 1) return broken("the named-stream present bits are too many", pos + 8);
  std::vector<uint32_t> present(present_words);
  for (uint32_t i = 0; i < present_words; ++i) {
    KDMP_TRY(w, u32_at(pos + 12 + 4 * i));
    present[i] = w;
  }
  pos += 12 + 4 * present_words;
  KDMP_TRY(deleted_words, u32_at(pos));
  if (deleted_words > kMaxCapacity / 32 + 1) return broken("the named-stream deleted bits are too many", pos);
  pos += 4 + 4 * deleted_words;
  for (uint32_t bucket = 0; bucket < capacity && bucket / 32 < present_words; ++bucket) {
    if (!((present[bucket / 32] >> (bucket % 32)) & 1)) continue;
    KDMP_TRY(name_offset, u32_at(pos));
    KDMP_TRY(stream, u32_at(pos + 4));
    pos += 8;
    if (name_offset >= names.size() || stream >= streams_.size()) continue;
    named_.emplace_back(std::string(record_name(names, name_offset)), static_cast<uint16_t>(stream));
  }
  return Ok{};
}

std::optional<uint16_t> Pdb::named_stream(std::string_view name) const {
  for (const auto& [n, stream] : named_) {
    if (n == name) return stream;
  }
  return std::nullopt;
}

std::optional<uint16_t> Pdb::debug_stream(size_t index) const {
  if (index >= debug_streams_.size() || debug_streams_[index] == 0xffff ||
      debug_streams_[index] >= streams_.size()) {
    return std::nullopt;
  }
  return debug_streams_[index];
}

Status Pdb::read_dbi() {
  const uint32_t size = stream_size(kDbiStream);
  if (size == 0) return Ok{};  // a PDB without DBI has no symbols to index; the identity is still known
  if (size < kDbiHeaderSize) return broken("the DBI stream (3) is shorter than its header", 0);
  std::array<uint8_t, kDbiHeaderSize> h{};
  if (auto st = read_stream(kDbiStream, 0, h); !st.ok()) return st.error();
  dbi_age_ = le::u32(h, 8);
  symbol_record_stream_ = le::u16(h, 20);
  machine_ = le::u16(h, 58);
  const uint64_t mod_info = le::u32(h, 24), section_contrib = le::u32(h, 28), section_map = le::u32(h, 32);
  const uint64_t source_info = le::u32(h, 36), type_server_map = le::u32(h, 40), optional_dbg = le::u32(h, 48);
  const uint64_t ec = le::u32(h, 52);
  const uint64_t total =
      kDbiHeaderSize + mod_info + section_contrib + section_map + source_info + type_server_map + ec + optional_dbg;
  if (total > size) return broken("the DBI substreams (" + std::to_string(total) + " bytes) overflow the stream", 24);

  // Module list.
  std::vector<uint8_t> mods(static_cast<size_t>(mod_info));
  if (auto st = read_stream(kDbiStream, kDbiHeaderSize, mods); !st.ok()) return st.error();
  size_t at = 0;
  while (at + 64 < mods.size() && modules_.size() < kMaxModules) {
    PdbModule m;
    m.stream = le::u16(mods, at + 34);
    m.symbol_bytes = le::u32(mods, at + 36);
    const std::string_view name = record_name(mods, at + 64);
    m.name = std::string(name);
    const std::string_view obj = record_name(mods, at + 64 + name.size() + 1);
    at = (at + 64 + name.size() + 1 + obj.size() + 1 + 3) & ~size_t{3};
    modules_.push_back(std::move(m));
  }

  // Section headers: the optional debug header's entry 5 names the stream of IMAGE_SECTION_HEADERs.
  const uint64_t dbg_at = kDbiHeaderSize + mod_info + section_contrib + section_map + source_info + type_server_map + ec;
  {
    std::vector<uint8_t> indices(static_cast<size_t>(std::min<uint64_t>(optional_dbg, 2 * kMaxDebugStreams)) & ~size_t{1});
    if (auto st = read_stream(kDbiStream, static_cast<uint32_t>(dbg_at), indices); !st.ok()) return st.error();
    for (size_t i = 0; i + 2 <= indices.size(); i += 2) debug_streams_.push_back(le::u16(indices, i));
  }
  if (optional_dbg >= (kSectionHeaderDbgIndex + 1) * 2) {
    std::array<uint8_t, 2> idx{};
    if (auto st = read_stream(kDbiStream, static_cast<uint32_t>(dbg_at + kSectionHeaderDbgIndex * 2), idx);
        !st.ok()) {
      return st.error();
    }
    const uint16_t stream = le::u16(idx, 0);
    const uint32_t bytes = stream_size(stream);
    if (stream != 0xffff && bytes > 0 && bytes / 40 <= 1024) {
      std::vector<uint8_t> table(bytes - bytes % 40);
      if (auto st = read_stream(stream, 0, table); !st.ok()) return st.error();
      for (size_t i = 0; i + 40 <= table.size(); i += 40) {
        PeSection s;
        std::string name(reinterpret_cast<const char*>(table.data() + i), 8);
        name.resize(std::find(name.begin(), name.end(), '\0') - name.begin());
        s.name = std::move(name);
        s.virtual_size = le::u32(table, i + 8);
        s.virtual_address = le::u32(table, i + 12);
        s.raw_size = le::u32(table, i + 16);
        s.raw_offset = le::u32(table, i + 20);
        s.characteristics = le::u32(table, i + 36);
        sections_.push_back(std::move(s));
      }
    }
  }
  return Ok{};
}

Status Pdb::matches(const CodeViewPdb& image) const {
  const bool age_ok = image.age == dbi_age_ || image.age == age_;
  if (guid_ == image.guid && age_ok) return Ok{};
  return make_error(ErrorCode::InvalidArgument,
                    "the PDB does not match the image: the image was linked with " + image.pdb_name + " GUID " +
                        image.guid.text() + " age " + std::to_string(image.age) + ", this PDB is GUID " +
                        guid_.text() + " age " + std::to_string(dbi_age_ ? dbi_age_ : age_));
}

namespace {

// Walks the CodeView records of [begin, end) of a stream a window at a time, calling f(kind, record bytes after
// the kind). Stops at a record that overruns the range, with a warning.
template <class F>
Status for_each_record(Pdb& pdb, size_t stream, uint32_t begin, uint32_t end, std::vector<uint8_t>& window, F&& f) {
  uint32_t pos = begin;
  while (pos + 4 <= end) {
    const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(kWindow, end - pos));
    window.resize(n);
    if (auto st = pdb.read_stream(stream, pos, window); !st.ok()) return st.error();
    size_t at = 0;
    bool progressed = false;
    while (at + 4 <= n) {
      const uint16_t length = le::u16(window, at);  // bytes after the length field
      if (length < 2) return broken("a symbol record of length " + std::to_string(length), pos + at);
      if (at + 2 + length > n) break;  // continues in the next window
      f(le::u16(window, at + 2), std::span<const uint8_t>(window.data() + at + 4, length - 2));
      at += 2 + size_t{length};
      progressed = true;
    }
    if (!progressed) {
      return broken("a symbol record at stream offset " + std::to_string(pos + at) + " runs past its stream",
                    pos + at);
    }
    pos += static_cast<uint32_t>(at);
  }
  return Ok{};
}

}  // namespace

Result<SymbolTable> Pdb::index_symbols(std::vector<Warning>* warnings) {
  SymbolTable table;
  std::vector<uint8_t> window;
  auto warn = [&](const std::string& code, const std::string& message) {
    if (warnings) warnings->push_back({code, message});
  };
  // section:offset -> RVA.
  auto rva = [&](uint16_t segment, uint32_t offset) -> std::optional<uint32_t> {
    if (segment == 0 || segment > sections_.size()) return std::nullopt;
    const uint64_t v = uint64_t{sections_[segment - 1].virtual_address} + offset;
    if (v > 0xffffffffu) return std::nullopt;
    return static_cast<uint32_t>(v);
  };

  for (const PdbModule& m : modules_) {
    if (m.stream == 0xffff || m.symbol_bytes <= 4) continue;
    if (m.symbol_bytes > stream_size(m.stream)) {
      warn("pdb-module-broken", "module " + m.name + ": " + std::to_string(m.symbol_bytes) +
                                    " bytes of symbols in a stream of " + std::to_string(stream_size(m.stream)));
      continue;
    }
    auto st = for_each_record(*this, m.stream, 4, m.symbol_bytes, window,
                              [&](uint16_t kind, std::span<const uint8_t> r) {
                                if (!is_procedure(kind) || r.size() < 35) return;
                                if (auto v = rva(le::u16(r, 32), le::u32(r, 28))) {
                                  table.add(*v, std::max<uint32_t>(le::u32(r, 12), 1), record_name(r, 35));
                                }
                              });
    if (!st.ok()) warn("pdb-module-broken", "module " + m.name + ": " + st.error().message);
  }
  if (symbol_record_stream_ != 0xffff && stream_size(symbol_record_stream_) > 0) {
    auto st = for_each_record(*this, symbol_record_stream_, 0, stream_size(symbol_record_stream_), window,
                              [&](uint16_t kind, std::span<const uint8_t> r) {
                                if (kind != kPub32 || r.size() < 10) return;
                                if (auto v = rva(le::u16(r, 8), le::u32(r, 4))) {
                                  const std::string_view name = record_name(r, 10);
                                  table.add(*v, 0, machine_ == 0x14c ? undecorate_x86_public(name) : name);
                                }
                              });
    if (!st.ok()) warn("pdb-publics-broken", st.error().message);
  }
  std::vector<std::pair<uint32_t, uint32_t>> ends;
  for (const PeSection& s : sections_) {
    ends.emplace_back(s.virtual_address, s.virtual_address + std::max(s.virtual_size, s.raw_size));
  }
  std::sort(ends.begin(), ends.end());
  table.finish(ends);
  return table;
}

}  // namespace kdmp
