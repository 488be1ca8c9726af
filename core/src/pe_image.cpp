#include "kdmp/pe_image.hpp"

#include <algorithm>
#include <cstdio>

#include "kdmp/le.hpp"
#include "kdmp/text.hpp"
#include "kdmp/utf16.hpp"

namespace kdmp {

namespace {

constexpr uint32_t kImagePage = 0x1000;
constexpr uint32_t kMaxHeaderOffset = 0x10000;  // e_lfanew beyond this is not a real image

// Data directory indices.
constexpr size_t kDirExport = 0, kDirResource = 2, kDirException = 3, kDirDebug = 6;

constexpr uint32_t kDebugTypeCodeView = 2, kDebugTypeRepro = 16;
constexpr uint32_t kRsdsSignature = 0x53445352;  // "RSDS"
constexpr uint32_t kRtVersion = 16;
constexpr uint32_t kFixedFileInfoSignature = 0xFEEF04BD;

struct DataDirectory {
  uint32_t rva = 0, size = 0;
};

std::string where_text(const char* what, uint32_t rva, const Error& e) {
  return std::string(what) + " at RVA " + hex(rva) + " is not readable: " + e.message;
}

// An ASCII string at rva, at most max bytes, stopping at the first NUL or unreadable byte.
std::string read_cstring(ImageReader& reader, uint32_t rva, size_t max) {
  std::vector<uint8_t> buf(max);
  const size_t got = reader.read_some(rva, buf);
  const auto end = std::find(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(got), uint8_t{0});
  return printable_text(std::string(buf.begin(), end));
}

Result<std::vector<uint8_t>> read_bytes(ImageReader& reader, uint32_t rva, size_t size) {
  std::vector<uint8_t> out(size);
  auto st = reader.read(rva, out);
  if (!st.ok()) return st.error();
  return out;
}

void read_sections(std::span<const uint8_t> headers, size_t table, size_t count, std::vector<PeSection>& out) {
  for (size_t i = 0; i < count; ++i) {
    const size_t at = table + i * 40;
    if (!le::fits(headers, at, 40)) break;
    PeSection s;
    std::string name(reinterpret_cast<const char*>(headers.data() + at), 8);
    name.resize(std::find(name.begin(), name.end(), '\0') - name.begin());
    s.name = printable_text(name);
    s.virtual_size = le::u32(headers, at + 8);
    s.virtual_address = le::u32(headers, at + 12);
    s.raw_size = le::u32(headers, at + 16);
    s.raw_offset = le::u32(headers, at + 20);
    s.characteristics = le::u32(headers, at + 36);
    out.push_back(std::move(s));
  }
}

// The parts of the headers every reader needs: where the NT headers and the section table are.
struct Headers {
  PeImage image;
  std::array<DataDirectory, 16> dirs{};
  size_t section_count = 0;
};

// Parses the DOS and NT headers and the section table out of the first bytes of an image (headers_read bytes from
// RVA 0; a header that runs past them is an error).
Result<Headers> parse_headers(std::span<const uint8_t> h, const PeLimits& limits) {
  if (!le::fits(h, 0, 0x40) || le::u16(h, 0) != 0x5a4d) {
    return make_error(ErrorCode::BadHeader, "no MZ signature at the image's start", 0);
  }
  const uint32_t nt = le::u32(h, 0x3c);
  if (nt > kMaxHeaderOffset || !le::fits(h, nt, 24) || le::u32(h, nt) != 0x00004550) {
    return make_error(ErrorCode::BadHeader, "no PE signature at e_lfanew " + hex(nt), nt);
  }
  Headers out;
  PeImage& img = out.image;
  img.machine = le::u16(h, nt + 4);
  out.section_count = le::u16(h, nt + 6);
  img.time_date_stamp = le::u32(h, nt + 8);
  const uint16_t optional_size = le::u16(h, nt + 20);
  const size_t opt = nt + 24;
  const uint16_t magic = le::u16(h, opt);
  // The NT signature and file header are there; an optional header that is not leaves an image without sections
  // or directories, still with its identity (a loader that only wrote the first fields, or a damaged page).
  if (!le::fits(h, opt, optional_size) || optional_size < 68 || (magic != 0x10b && magic != 0x20b)) {
    img.missing.push_back({"pe-optional-header-bad", "the optional header at RVA " + hex(opt) + " (" +
                                                         std::to_string(optional_size) + " bytes, magic " +
                                                         hex(magic) + ") is not usable: no sections or directories"});
    out.section_count = 0;
    img.checksum = le::u32(h, opt + 64);
    return out;
  }
  img.pe32_plus = magic == 0x20b;
  img.entry_point = le::u32(h, opt + 16);
  img.image_base = img.pe32_plus ? le::u64(h, opt + 24) : le::u32(h, opt + 28);
  img.size_of_image = le::u32(h, opt + 56);
  img.size_of_headers = le::u32(h, opt + 60);
  img.checksum = le::u32(h, opt + 64);
  const size_t count_at = img.pe32_plus ? 108 : 92;
  const size_t dirs_at = img.pe32_plus ? 112 : 96;
  if (optional_size >= count_at + 4) {
    const uint32_t n = std::min<uint32_t>(le::u32(h, opt + count_at), 16);
    for (uint32_t i = 0; i < n && dirs_at + i * 8 + 8 <= optional_size; ++i) {
      out.dirs[i] = {le::u32(h, opt + dirs_at + i * 8), le::u32(h, opt + dirs_at + i * 8 + 4)};
    }
  }
  if (out.section_count > limits.max_sections) {
    img.missing.push_back({"pe-sections-too-large", std::to_string(out.section_count) + " sections, more than " +
                                                        std::to_string(limits.max_sections) + ": none read"});
    out.section_count = 0;
  }
  const size_t table = opt + optional_size;
  read_sections(h, table, out.section_count, img.sections);
  if (img.sections.size() < out.section_count) {
    img.missing.push_back({"pe-sections-missing", "the section table at RVA " + hex(table) +
                                                      " runs past the header page: " +
                                                      std::to_string(img.sections.size()) + " of " +
                                                      std::to_string(out.section_count) + " sections read"});
  }
  return out;
}

void read_exports(ImageReader& reader, DataDirectory dir, const PeLimits& limits, PeImage& img) {
  auto d = read_bytes(reader, dir.rva, 40);
  if (!d.ok()) {
    img.missing.push_back({"pe-exports-missing", where_text("the export directory", dir.rva, d.error())});
    return;
  }
  img.export_name = read_cstring(reader, le::u32(*d, 12), limits.max_name);
  const uint32_t base = le::u32(*d, 16);
  const uint32_t functions = le::u32(*d, 20), names = le::u32(*d, 24);
  if (functions > limits.max_exports || names > functions) {
    img.missing.push_back({"pe-exports-too-large", std::to_string(functions) + " exports and " +
                                                       std::to_string(names) + " names: none read"});
    return;
  }
  auto addresses = read_bytes(reader, le::u32(*d, 28), size_t{functions} * 4);
  auto name_rvas = read_bytes(reader, le::u32(*d, 32), size_t{names} * 4);
  auto ordinals = read_bytes(reader, le::u32(*d, 36), size_t{names} * 2);
  if (!addresses.ok()) {
    img.missing.push_back({"pe-exports-missing", where_text("the export address table", le::u32(*d, 28),
                                                            addresses.error())});
    return;
  }
  img.exports.resize(functions);
  for (uint32_t i = 0; i < functions; ++i) {
    PeExport& e = img.exports[i];
    e.ordinal = base + i;
    const uint32_t rva = le::u32(*addresses, size_t{i} * 4);
    if (rva >= dir.rva && rva - dir.rva < dir.size) {
      e.forwarder = read_cstring(reader, rva, limits.max_name);
    } else {
      e.rva = rva;
    }
  }
  if (!name_rvas.ok() || !ordinals.ok()) {
    const Error& e = !name_rvas.ok() ? name_rvas.error() : ordinals.error();
    img.missing.push_back({"pe-exports-missing", where_text("the export name table", le::u32(*d, 32), e)});
  } else {
    for (uint32_t i = 0; i < names; ++i) {
      const uint16_t index = le::u16(*ordinals, size_t{i} * 2);
      if (index < functions) img.exports[index].name = read_cstring(reader, le::u32(*name_rvas, size_t{i} * 4),
                                                                    limits.max_name);
    }
  }
  // Unused slots of the address table (0, no name) are not exports.
  std::erase_if(img.exports, [](const PeExport& e) { return e.rva == 0 && e.forwarder.empty(); });
}

void read_debug(ImageReader& reader, DataDirectory dir, const PeLimits& limits, PeImage& img) {
  const size_t count = std::min<size_t>(dir.size / 28, 32);
  auto table = read_bytes(reader, dir.rva, count * 28);
  if (!table.ok()) {
    img.missing.push_back({"pe-debug-missing", where_text("the debug directory", dir.rva, table.error())});
    return;
  }
  for (size_t i = 0; i < count; ++i) {
    const size_t at = i * 28;
    const uint32_t type = le::u32(*table, at + 12);
    const uint32_t size = le::u32(*table, at + 16);
    const uint32_t rva = le::u32(*table, at + 20);
    if (type == kDebugTypeRepro) img.time_date_stamp_is_hash = true;
    if (type != kDebugTypeCodeView || img.codeview || rva == 0 || size < 24) continue;
    std::vector<uint8_t> rec(std::min<size_t>(size, 24 + limits.max_name));
    const size_t got = reader.read_some(rva, rec);
    if (got < 24) {
      img.missing.push_back({"pe-debug-missing", "the CodeView record at RVA " + hex(rva) + " is not readable"});
      continue;
    }
    if (le::u32(rec, 0) != kRsdsSignature) continue;  // NB10 and others: no GUID to match
    CodeViewPdb cv;
    std::copy(rec.begin() + 4, rec.begin() + 20, cv.guid.bytes.begin());
    cv.age = le::u32(rec, 20);
    const auto name_end = std::find(rec.begin() + 24, rec.begin() + static_cast<std::ptrdiff_t>(got), uint8_t{0});
    cv.pdb_name = printable_text(std::string(rec.begin() + 24, name_end));
    img.codeview = std::move(cv);
  }
}

void read_pdata(ImageReader& reader, DataDirectory dir, const PeLimits& limits, PeImage& img) {
  const bool arm64 = img.machine == 0xAA64;
  if (!arm64 && img.machine != 0x8664) return;  // x86 images have no .pdata
  const size_t entry = arm64 ? 8 : 12;
  const size_t count = dir.size / entry;
  if (count > limits.max_runtime_functions) {
    img.missing.push_back({"pe-pdata-too-large", std::to_string(count) + " runtime functions: none read"});
    return;
  }
  auto table = read_bytes(reader, dir.rva, count * entry);
  if (!table.ok()) {
    img.missing.push_back({"pe-pdata-missing", where_text("the exception directory", dir.rva, table.error())});
    return;
  }
  img.runtime_functions.reserve(count);
  size_t xdata_unread = 0;
  for (size_t i = 0; i < count; ++i) {
    RuntimeFunction f;
    f.begin = le::u32(*table, i * entry);
    if (!arm64) {
      f.end = le::u32(*table, i * entry + 4);
      f.unwind = le::u32(*table, i * entry + 8);
      if (f.end <= f.begin) continue;
    } else {
      f.unwind = le::u32(*table, i * entry + 4);
      if ((f.unwind & 3) != 0) {
        f.end = f.begin + ((f.unwind >> 2) & 0x7ff) * 4;  // packed: FunctionLength in 4-byte units
      } else {
        std::array<uint8_t, 4> word{};
        if (reader.read(f.unwind, word).ok()) {
          f.end = f.begin + (le::u32(word, 0) & 0x3ffff) * 4;  // .xdata header: FunctionLength
        } else {
          ++xdata_unread;
        }
      }
    }
    img.runtime_functions.push_back(f);
  }
  std::stable_sort(img.runtime_functions.begin(), img.runtime_functions.end(),
                   [](const RuntimeFunction& a, const RuntimeFunction& b) { return a.begin < b.begin; });
  if (xdata_unread > 0) {
    img.missing.push_back({"pe-pdata-missing", std::to_string(xdata_unread) +
                                                   " ARM64 .xdata headers not readable: those functions' lengths "
                                                   "are unknown"});
  }
}

// ---- Version resource ----

// One VS_VERSIONINFO-style block: {wLength, wValueLength, wType, szKey, padding, Value, padding, Children}.
struct VersionBlock {
  size_t start = 0, end = 0;  // the block's bytes
  std::string key;
  size_t value = 0;           // offset of the value
  size_t value_bytes = 0;
  size_t children = 0;        // offset of the first child
};

size_t align4(size_t v) { return (v + 3) & ~size_t{3}; }

std::optional<VersionBlock> parse_block(std::span<const uint8_t> b, size_t at, size_t limit) {
  if (!le::fits(b, at, 6) || at + 6 > limit) return std::nullopt;
  const uint16_t length = le::u16(b, at);
  if (length < 6 || at + length > limit) return std::nullopt;
  VersionBlock v;
  v.start = at;
  v.end = at + length;
  const uint16_t value_length = le::u16(b, at + 2);
  const uint16_t type = le::u16(b, at + 4);
  size_t k = at + 6;
  while (k + 1 < v.end && le::u16(b, k) != 0) k += 2;
  if (k + 1 >= v.end) return std::nullopt;
  v.key = utf16le_to_utf8(b.subspan(at + 6, k - (at + 6)));
  v.value = align4(k + 2);
  v.value_bytes = type == 1 ? size_t{value_length} * 2 : value_length;  // text values count UTF-16 units
  if (v.value > v.end) v.value = v.end;
  if (v.value_bytes > v.end - v.value) v.value_bytes = v.end - v.value;
  v.children = std::min(align4(v.value + v.value_bytes), v.end);
  return v;
}

// Calls f(child) for each child of parent, at most 256.
template <class F>
void for_each_child(std::span<const uint8_t> b, const VersionBlock& parent, F&& f) {
  size_t at = parent.children;
  for (int n = 0; n < 256 && at < parent.end; ++n) {
    auto child = parse_block(b, at, parent.end);
    if (!child) return;
    f(*child);
    at = align4(child->end);
  }
}

std::optional<PeVersion> parse_version(std::span<const uint8_t> b) {
  auto root = parse_block(b, 0, b.size());
  if (!root || root->key != "VS_VERSION_INFO") return std::nullopt;
  PeVersion v;
  std::string fixed;
  if (root->value_bytes >= 52 && le::u32(b, root->value) == kFixedFileInfoSignature) {
    const uint32_t ms = le::u32(b, root->value + 8), ls = le::u32(b, root->value + 12);
    fixed = std::to_string(ms >> 16) + "." + std::to_string(ms & 0xffff) + "." + std::to_string(ls >> 16) + "." +
            std::to_string(ls & 0xffff);
  }
  bool table_done = false;
  for_each_child(b, *root, [&](const VersionBlock& info) {
    if (info.key != "StringFileInfo") return;
    for_each_child(b, info, [&](const VersionBlock& table) {
      if (table_done) return;  // the first language's strings
      table_done = true;
      for_each_child(b, table, [&](const VersionBlock& s) {
        std::string text = printable_text(utf16le_to_utf8(b.subspan(s.value, s.value_bytes)));
        if (s.key == "FileVersion") v.file_version = std::move(text);
        else if (s.key == "ProductVersion") v.product_version = std::move(text);
        else if (s.key == "CompanyName") v.company_name = std::move(text);
        else if (s.key == "FileDescription") v.file_description = std::move(text);
        else if (s.key == "ProductName") v.product_name = std::move(text);
      });
    });
  });
  if (v.file_version.empty()) v.file_version = fixed;
  return v;
}

// The first entry of a resource directory with the given id (or the first entry at all when id is 0); returns its
// OffsetToData (high bit: a subdirectory).
std::optional<uint32_t> resource_entry(ImageReader& reader, uint32_t root, uint32_t dir_offset, uint32_t id) {
  std::array<uint8_t, 16> head{};
  if (!reader.read(root + dir_offset, head).ok()) return std::nullopt;
  const size_t named = le::u16(head, 12), ids = le::u16(head, 14);
  const size_t count = std::min<size_t>(named + ids, 512);
  std::vector<uint8_t> entries(count * 8);
  if (!reader.read(root + dir_offset + 16, entries).ok()) return std::nullopt;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t name = le::u32(entries, i * 8);
    if (id == 0 || (!(name & 0x80000000u) && name == id)) return le::u32(entries, i * 8 + 4);
  }
  return std::nullopt;
}

void read_version(ImageReader& reader, DataDirectory dir, const PeLimits& limits, PeImage& img) {
  // Type RT_VERSION -> the first name -> the first language -> IMAGE_RESOURCE_DATA_ENTRY.
  uint32_t offset = 0;
  for (uint32_t id : {kRtVersion, 0u, 0u}) {
    auto next = resource_entry(reader, dir.rva, offset & 0x7fffffffu, id);
    if (!next) {
      if (offset == 0) return;  // no version resource (or its directory page is missing: said below)
      img.missing.push_back({"pe-version-missing", "the version resource's directory under RVA " +
                                                       hex(dir.rva) + " is not readable"});
      return;
    }
    offset = *next;
    if (id != 0 && !(offset & 0x80000000u)) return;  // a leaf where a directory belongs: not a usable resource
  }
  if (offset & 0x80000000u) return;
  std::array<uint8_t, 16> data{};
  if (!reader.read(dir.rva + offset, data).ok()) {
    img.missing.push_back({"pe-version-missing", "the version resource's data entry at RVA " +
                                                     hex(dir.rva + offset) + " is not readable"});
    return;
  }
  const uint32_t rva = le::u32(data, 0), size = std::min(le::u32(data, 4), limits.max_version_bytes);
  auto bytes = read_bytes(reader, rva, size);
  if (!bytes.ok()) {
    img.missing.push_back({"pe-version-missing", where_text("the version resource", rva, bytes.error())});
    return;
  }
  img.version = parse_version(*bytes);
}

bool directory_in_image(DataDirectory d, const PeImage& img) {
  return d.rva != 0 && d.size != 0 && d.rva < img.size_of_image && d.size <= img.size_of_image - d.rva;
}

}  // namespace

// ---- Readers ----

Status LoadedImageReader::read(uint32_t rva, std::span<uint8_t> out) {
  if (rva > size_ || out.size() > size_ - rva) {
    return make_error(ErrorCode::InvalidArgument,
                      std::to_string(out.size()) + " bytes at RVA " + hex(rva) + " run past the image's " +
                          hex(size_) + " bytes",
                      rva);
  }
  auto st = vm_.read_virtual_exact(Gva(base_ + rva), out);
  if (!st.ok()) return Error{st.error().code, st.error().message, rva};
  return Ok{};
}

size_t LoadedImageReader::read_some(uint32_t rva, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t at = uint64_t{rva} + done;
    const size_t chunk = std::min<size_t>(out.size() - done, kImagePage - (at & (kImagePage - 1)));
    if (at + chunk > size_) break;
    if (!vm_.read_virtual_exact(Gva(base_ + at), out.subspan(done, chunk)).ok()) break;
    done += chunk;
  }
  return done;
}

Result<FileImageReader> FileImageReader::open(ByteSource& file) {
  std::vector<uint8_t> head(static_cast<size_t>(std::min<uint64_t>(file.size(), kImagePage)));
  auto got = file.read(0, head);
  if (!got.ok()) return got.error();
  head.resize(*got);
  PeLimits limits;
  auto headers = parse_headers(head, limits);
  if (!headers.ok()) return headers.error();
  FileImageReader r(file);
  r.size_of_headers_ = headers->image.size_of_headers;
  r.sections_ = std::move(headers->image.sections);
  return r;
}

Status FileImageReader::read(uint32_t rva, std::span<uint8_t> out) {
  if (read_some(rva, out) != out.size()) {
    return make_error(ErrorCode::FileTooSmall,
                      std::to_string(out.size()) + " bytes at RVA " + hex(rva) + " are not in the image file", rva);
  }
  return Ok{};
}

size_t FileImageReader::read_some(uint32_t rva, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    const uint64_t at = uint64_t{rva} + done;
    uint64_t file_offset = 0, available = 0;  // bytes backed by the file from `at`
    uint64_t zeros = 0;                       // then bytes of the section past its raw data
    if (at < size_of_headers_) {
      file_offset = at;
      available = size_of_headers_ - at;
    } else {
      const PeSection* s = nullptr;
      for (const PeSection& c : sections_) {
        if (at >= c.virtual_address && at - c.virtual_address < std::max(c.virtual_size, c.raw_size)) s = &c;
      }
      if (!s) break;
      const uint64_t in = at - s->virtual_address;
      const uint64_t span = std::max(s->virtual_size, s->raw_size);
      if (in < s->raw_size) {
        file_offset = s->raw_offset + in;
        available = s->raw_size - in;
      } else {
        zeros = span - in;
      }
    }
    if (available > 0) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(available, out.size() - done));
      auto got = file_->read(file_offset, out.subspan(done, chunk));
      if (!got.ok()) break;
      done += *got;
      if (*got < chunk) break;
    } else {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(zeros, out.size() - done));
      if (chunk == 0) break;
      std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(done), chunk, uint8_t{0});
      done += chunk;
    }
  }
  return done;
}

// ---- Identity ----

std::string Guid::text() const {
  char buf[40];
  const auto& b = bytes;
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", le::u32(b, 0), le::u16(b, 4),
                le::u16(b, 6), b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return buf;
}

std::string CodeViewPdb::store_key() const {
  char buf[48];
  const auto& b = guid.bytes;
  std::snprintf(buf, sizeof buf, "%08X%04X%04X%02X%02X%02X%02X%02X%02X%02X%02X%X", le::u32(b, 0), le::u16(b, 4),
                le::u16(b, 6), b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], age);
  return buf;
}

std::string image_store_key(uint32_t time_date_stamp, uint32_t size_of_image) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08X%X", time_date_stamp, size_of_image);
  return buf;
}

const RuntimeFunction* PeImage::find_runtime_function(uint32_t rva) const {
  auto it = std::upper_bound(runtime_functions.begin(), runtime_functions.end(), rva,
                             [](uint32_t v, const RuntimeFunction& f) { return v < f.begin; });
  if (it == runtime_functions.begin()) return nullptr;
  --it;
  return it->contains(rva) ? &*it : nullptr;
}

const PeSection* PeImage::find_section(uint32_t rva) const {
  for (const PeSection& s : sections) {
    if (s.contains(rva)) return &s;
  }
  return nullptr;
}

// ---- Reading ----

Result<PeImage> read_pe_image(ImageReader& reader, const PeLimits& limits) {
  std::array<uint8_t, kImagePage> head{};
  const size_t got = reader.read_some(0, head);
  if (got < 0x40) {
    auto st = reader.read(0, std::span<uint8_t>(head.data(), 0x40));
    return make_error(st.ok() ? ErrorCode::BadHeader : st.error().code,
                      "the image's header page is not readable" + (st.ok() ? "" : ": " + st.error().message), 0);
  }
  auto headers = parse_headers(std::span<const uint8_t>(head.data(), got), limits);
  if (!headers.ok()) return headers.error();
  PeImage img = std::move(headers->image);
  if (limits.headers_only) return img;
  const auto& dirs = headers->dirs;
  auto section = [&](size_t index, const char* name, void (*read)(ImageReader&, DataDirectory, const PeLimits&,
                                                                   PeImage&)) {
    const DataDirectory d = dirs[index];
    if (d.rva == 0 || d.size == 0) return;
    if (!directory_in_image(d, img)) {
      img.missing.push_back({"pe-directory-outside", std::string("the ") + name + " directory (RVA " + hex(d.rva) +
                                                         ", " + hex(d.size) + " bytes) lies outside the image"});
      return;
    }
    read(reader, d, limits, img);
  };
  section(kDirExport, "export", read_exports);
  section(kDirDebug, "debug", read_debug);
  section(kDirException, "exception", read_pdata);
  section(kDirResource, "resource", read_version);
  return img;
}

Result<PeImage> read_loaded_image(VirtualMemory& vm, uint64_t base, uint64_t size, const PeLimits& limits) {
  LoadedImageReader reader(vm, base, size);
  return read_pe_image(reader, limits);
}

Result<PeImage> read_image_file(ByteSource& file, const PeLimits& limits) {
  auto reader = FileImageReader::open(file);
  if (!reader.ok()) return reader.error();
  return read_pe_image(*reader, limits);
}

}  // namespace kdmp
