// The virtual memory a triage dump saved: the call stack, the data page, the data blocks, the KDBG copy and (when
// the KDBG copy says where they live) the thread and process copies, as a sorted region map; and TriageMemory,
// which reads through it.
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>

#include "kdmp/le.hpp"
#include "triage_internal.hpp"

namespace kdmp {

namespace {

// TRIAGE_DATA_BLOCK: {Address u64, Offset u32, Size u32}, in 32-bit dumps too (the kernel stores the address
// sign-extended). rizin reads 12-byte {Address u32, Offset, Size} records in 32-bit dumps: accepted when the file
// says so (see data_block_stride).
constexpr size_t kBlockAddress = 0x0, kBlockOffset = 0x8, kBlockSize = 0xc;
constexpr size_t kBlock32Address = 0x0, kBlock32Offset = 0x4, kBlock32Size = 0x8;
constexpr uint64_t kDataBlockSize32Short = 12;

// Real dumps carry tens of blocks; thousands more only come from a hostile count.
constexpr uint32_t kMaxDataBlocks = 4096;
constexpr unsigned kMaxRegionWarnings = 8;
// Overlapping regions are compared byte for byte up to this much in all (real dumps overlap by tens of KiB).
constexpr uint64_t kMaxComparedBytes = 64ull << 20, kComparisonCost = 0x1000;

using triage::Parse;

// The kernel writes the block data right after the descriptors (IopWriteTriageDumpDataBlocks), so the first
// descriptor's Offset tells the record size apart.
uint64_t data_block_stride(Parse& p, uint64_t count) {
  if (p.is64) return kDataBlockSize;
  const uint64_t off = p.out.header.data_blocks_offset;
  uint8_t first[kDataBlockSize];
  if (off > p.file_size || p.file_size - off < sizeof first) return kDataBlockSize;
  if (!p.read(off, first, "the first data block descriptor")) return kDataBlockSize;
  if (le::u32(first, kBlockOffset) == off + count * kDataBlockSize) return kDataBlockSize;
  if (le::u32(first, kBlock32Offset) == off + count * kDataBlockSize32Short) {
    p.warn("triage-data-block-layout", "the data block descriptors at " + hex(off) +
                                           " (DataBlocksOffset) are 12 bytes each ({Address u32, Offset, Size}), "
                                           "not TRIAGE_DATA_BLOCK's 16; reading them so");
    return kDataBlockSize32Short;
  }
  return kDataBlockSize;
}

// A VA as kdmpview spells it: 32-bit dumps use zero-extended addresses (as in DumpHeader). nullopt when the high
// half of a 32-bit dump's 64-bit address is neither a sign extension nor zero.
std::optional<uint64_t> narrow_va(uint64_t va, bool is64) {
  if (is64) return va;
  const uint64_t high = va >> 32;
  if (high != 0 && high != 0xffffffff) return std::nullopt;
  return va & 0xffffffff;
}

// A region before validation, with the words that name where it came from.
struct Candidate {
  TriageRegion region;
  std::string source;  // "CallStackOffset (at 0x2028) = 0x2500", "data block 2 (descriptor at 0x4010)"
};

class RegionMap {
 public:
  explicit RegionMap(Parse& p) : p_(p) {}

  void add(Candidate c) {
    TriageRegion& r = c.region;
    if (r.size == 0) return;
    const uint64_t va_limit = p_.is64 ? 0 : uint64_t{1} << 32;  // 0: the whole 64-bit space
    if (va_limit != 0 && r.va.value >= va_limit) {
      complain("triage-region-bad", c.source + ": the " + triage_region_kind_name(r.kind) + " at " + hex(r.va.value) +
                                        " is not a 32-bit address; it is skipped");
      return;
    }
    const uint64_t room = va_limit != 0 ? va_limit - r.va.value : (~r.va.value) + 1;  // 0 means 2^64
    if (room != 0 && r.size > room) {
      complain("triage-region-bad", c.source + ": the " + triage_region_kind_name(r.kind) + " at " + hex(r.va.value) +
                                        " (" + hex(r.size) + " bytes) runs past the top of the address space; cut to " +
                                        hex(room) + " bytes");
      r.size = room;
    }
    const uint64_t off = r.file_offset.value;
    if (off >= p_.file_size) {
      complain("triage-out-of-file", c.source + ": the " + triage_region_kind_name(r.kind) + "'s bytes at " +
                                         hex(off) + " lie past the end of the file (" + hex(p_.file_size) +
                                         " bytes); it is skipped");
      return;
    }
    if (r.size > p_.file_size - off) {
      const uint64_t kept = p_.file_size - off;
      complain("triage-region-truncated",
               c.source + ": the " + triage_region_kind_name(r.kind) + " (" + hex(r.size) + " bytes at file offset " +
                   hex(off) + ") runs past the end of the file (" + hex(p_.file_size) + " bytes); only " +
                   hex(r.va.value) + ".." + hex(r.va.value + kept - 1) + " is kept");
      r.size = kept;
    }
    insert(c);
  }

  std::vector<TriageRegion> take() {
    if (silenced_ != 0) p_.warn("triage-region", std::to_string(silenced_) + " more region problems not listed");
    std::vector<TriageRegion> out;
    out.reserve(map_.size());
    for (auto& [start, entry] : map_) out.push_back(entry.region);
    return out;
  }

 private:
  struct Entry {
    TriageRegion region;  // a piece of `whole` no earlier region covered
    std::string source;
    TriageRegion whole;
  };

  uint64_t last(const TriageRegion& r) const { return r.va.value + (r.size - 1); }  // inclusive: no overflow at 2^64

  // Earlier regions win: only the parts of c no region covers yet are added, and an overlap is reported. The gaps
  // come from covered_, the union of all regions so far (merged, so a hostile pile of overlapping blocks stays
  // cheap: each merged interval is visited once more at most).
  void insert(const Candidate& c) {
    const uint64_t first = c.region.va.value, end_incl = last(c.region);
    auto it = covered_.upper_bound(first);
    if (it != covered_.begin() && std::prev(it)->second >= first) --it;
    std::vector<TriageRegion> pieces;
    bool overlaps = false, done = false;
    uint64_t cursor = first;
    for (; it != covered_.end() && it->first <= end_incl && !done; ++it) {
      overlaps = true;
      if (it->first > cursor) pieces.push_back(piece(c.region, cursor, it->first - cursor));
      if (it->second >= end_incl) {
        done = true;
      } else {
        cursor = std::max(cursor, it->second + 1);
      }
    }
    if (!done) pieces.push_back(piece(c.region, cursor, end_incl - cursor + 1));
    // Windows saves some memory twice (a data block over the stack, the thread copy and a block inside it): that is
    // no conflict while the bytes agree.
    if (overlaps) {
      if (const Entry* o = first_disagreeing(c, first, end_incl)) report_overlap(c, first, end_incl, *o);
    }
    for (const TriageRegion& r : pieces) {
      if (r.size != 0) map_.emplace(r.va.value, Entry{r, c.source, c.region});
    }
    cover(first, end_incl);
  }

  // The first region already mapped in [first, end_incl] whose bytes differ from c's there, or nullptr. Past the
  // comparison budget (a hostile pile of overlapping blocks), overlaps count as disagreeing without a look.
  const Entry* first_disagreeing(const Candidate& c, uint64_t first, uint64_t end_incl) {
    auto it = map_.upper_bound(first);
    if (it != map_.begin() && last(std::prev(it)->second.region) >= first) --it;
    for (; it != map_.end() && it->first <= end_incl; ++it) {
      const TriageRegion& r = it->second.region;
      const uint64_t lo = std::max(first, r.va.value), hi = std::min(end_incl, last(r));
      if (lo > hi) continue;
      if (!same_bytes(c.region.file_offset.value + (lo - c.region.va.value), r.file_offset.value + (lo - r.va.value),
                      hi - lo + 1)) {
        return &it->second;
      }
    }
    return nullptr;
  }

  bool same_bytes(uint64_t a, uint64_t b, uint64_t size) {
    const uint64_t cost = size + kComparisonCost;  // a floor per comparison: many tiny overlaps cost too
    if (cost > compare_budget_) {
      compare_budget_ = 0;
      return false;
    }
    compare_budget_ -= cost;
    std::vector<uint8_t> x, y;
    for (uint64_t done = 0; done < size;) {
      const uint64_t n = std::min<uint64_t>(size - done, kPageSize);
      x.resize(n);
      y.resize(n);
      if (!read_exact(p_.file, a + done, x).ok() || !read_exact(p_.file, b + done, y).ok() || x != y) return false;
      done += n;
    }
    return true;
  }

  void report_overlap(const Candidate& c, uint64_t first, uint64_t end_incl, const Entry& o) {
    complain("triage-region-overlap",
             c.source + ": the " + triage_region_kind_name(c.region.kind) + " at " + hex(first) + ".." +
                 hex(end_incl) + " overlaps the " + triage_region_kind_name(o.whole.kind) + " at " +
                 hex(o.whole.va.value) + ".." + hex(last(o.whole)) + " (" + o.source +
                 ") with different bytes; reads there use the " + triage_region_kind_name(o.whole.kind));
  }

  // Adds [first, end_incl] to covered_, merging what it overlaps or touches.
  void cover(uint64_t first, uint64_t end_incl) {
    auto it = covered_.upper_bound(first);
    if (it != covered_.begin()) {
      auto prev = std::prev(it);
      if (prev->second == UINT64_MAX || prev->second + 1 >= first) it = prev;
    }
    uint64_t lo = first, hi = end_incl;
    while (it != covered_.end() && (hi == UINT64_MAX || it->first <= hi + 1)) {
      lo = std::min(lo, it->first);
      hi = std::max(hi, it->second);
      it = covered_.erase(it);
    }
    covered_.emplace(lo, hi);
  }

  static TriageRegion piece(const TriageRegion& whole, uint64_t start, uint64_t size) {
    TriageRegion r = whole;
    r.va = Gva(start);
    r.size = size;
    r.file_offset = FileOffset(whole.file_offset.value + (start - whole.va.value));
    return r;
  }

  void complain(const char* code, std::string message) {
    if (complaints_ < kMaxRegionWarnings) {
      ++complaints_;
      p_.warn(code, std::move(message));
    } else {
      ++silenced_;
    }
  }

  Parse& p_;
  uint64_t compare_budget_ = kMaxComparedBytes;
  std::map<uint64_t, Entry> map_;
  std::map<uint64_t, uint64_t> covered_;  // first -> last address (inclusive), merged
  unsigned complaints_ = 0;
  unsigned silenced_ = 0;
};

bool plausible_kdbg_va(uint64_t va, bool is64) {
  if (va == 0) return false;
  return is64 ? va != kPageFill64 : va != kPageFill;
}

// dbgeng's way to the thread and process copies: the thread is PRCB.CurrentThread, the process is the thread's
// ApcState.Process, both at offsets the KDBG copy gives. The PRCB's own address is not in the file.
void locate_thread_and_process(Parse& p, std::vector<Candidate>& out) {
  namespace k = triage::kdbg;
  const TriageHeader& h = p.out.header;
  const uint64_t current_thread = triage::kdbg_field(p.out, k::kOffsetPrcbCurrentThread);
  const uint64_t apc_process = triage::kdbg_field(p.out, k::kOffsetKThreadApcProcess);
  const uint64_t thread_size = triage::kdbg_field(p.out, k::kSizeEThread);
  const uint64_t process_size = triage::kdbg_field(p.out, k::kSizeEProcess);
  auto blob = [&](TriageField field) -> TriageBlob* {
    for (auto& b : p.out.blobs) {
      if (b.field == field) return &b;
    }
    return nullptr;
  };
  // A pointer inside a blob, when the blob is long enough to hold it.
  auto pointer_in = [&](const TriageBlob& b, uint64_t at) -> std::optional<uint64_t> {
    if (at == 0 || (b.size != 0 && at + p.pointer_size() > b.size)) return std::nullopt;
    if (b.offset.value + at + p.pointer_size() > p.file_size) return std::nullopt;
    uint8_t bytes[8] = {};
    if (!p.read(b.offset.value + at, std::span<uint8_t>(bytes, p.pointer_size()), "a pointer in the " + b.name)) {
      return std::nullopt;
    }
    const uint64_t v = p.is64 ? le::u64(bytes, 0) : le::u32(bytes, 0);
    return v != 0 ? std::optional<uint64_t>(v) : std::nullopt;
  };
  TriageBlob* prcb = blob(TriageField::PrcbOffset);
  TriageBlob* thread = blob(TriageField::ThreadOffset);
  TriageBlob* process = blob(TriageField::ProcessOffset);
  if (!prcb || !thread || thread_size == 0) return;
  const auto thread_va = pointer_in(*prcb, current_thread);
  if (!thread_va) return;
  thread->va = Gva(*thread_va);
  out.push_back({{TriageRegionKind::Thread, 0, Gva(*thread_va), thread_size, thread->offset},
                 p.field_ref(TriageField::ThreadOffset, h.thread_offset)});
  if (!process || process_size == 0) return;
  const auto process_va = pointer_in(*thread, apc_process);
  if (!process_va) return;
  process->va = Gva(*process_va);
  out.push_back({{TriageRegionKind::Process, 0, Gva(*process_va), process_size, process->offset},
                 p.field_ref(TriageField::ProcessOffset, h.process_offset)});
}

}  // namespace

namespace triage {

void parse_data_blocks(Parse& p) {
  const TriageHeader& h = p.out.header;
  if (h.data_blocks_count == 0) return;
  if (h.data_blocks_offset == 0) {
    p.warn("triage-out-of-file", p.field_ref(TriageField::DataBlocksCount, h.data_blocks_count) +
                                     " but DataBlocksOffset is 0: there are no descriptors to read");
    return;
  }
  uint64_t count = h.data_blocks_count;
  const uint64_t stride = data_block_stride(p, count);
  p.out.data_block_stride = stride;
  if (!p.check_in_file(TriageField::DataBlocksOffset, h.data_blocks_offset, stride, "the data block descriptors")) {
    return;
  }
  const uint64_t fit = (p.file_size - h.data_blocks_offset) / stride;
  if (count > fit) {
    p.warn("triage-count-capped", p.field_ref(TriageField::DataBlocksCount, count) + ": only " +
                                      std::to_string(fit) + " descriptors of " + hex(stride) +
                                      " bytes fit between DataBlocksOffset " + hex(h.data_blocks_offset) +
                                      " and the end of the file; reading " + std::to_string(fit));
    count = fit;
  }
  if (count > kMaxDataBlocks) {
    p.warn("triage-count-capped", p.field_ref(TriageField::DataBlocksCount, h.data_blocks_count) +
                                      ": more data blocks than kdmpview maps; reading the first " +
                                      std::to_string(kMaxDataBlocks));
    count = kMaxDataBlocks;
  }
  std::vector<uint8_t> bytes(count * stride);
  if (!p.read(h.data_blocks_offset, bytes, "the data block descriptors")) return;
  for (uint64_t i = 0; i < count; ++i) {
    std::span<const uint8_t> d(bytes.data() + i * stride, stride);
    const bool wide = stride == kDataBlockSize;
    const uint64_t raw = wide ? le::u64(d, kBlockAddress) : le::u32(d, kBlock32Address);
    TriageDataBlock block;
    block.descriptor_offset = h.data_blocks_offset + i * stride;
    block.file_offset = FileOffset(le::u32(d, wide ? kBlockOffset : kBlock32Offset));
    block.size = le::u32(d, wide ? kBlockSize : kBlock32Size);
    const auto va = narrow_va(raw, p.is64);
    if (!va) {
      p.warn("triage-region-bad", "data block " + std::to_string(i) + " (descriptor at " +
                                      hex(block.descriptor_offset) + ") has the address " + hex(raw) +
                                      ", which is no 32-bit address; it is skipped");
      continue;
    }
    block.va = Gva(*va);
    p.out.data_blocks.push_back(block);
  }
}

void build_regions(Parse& p) {
  const TriageHeader& h = p.out.header;
  std::vector<Candidate> candidates;
  // Kind order is priority order where regions overlap: the stack first, as the debugger reads it.
  if (h.call_stack_offset != 0 && h.size_of_call_stack != 0) {
    if (auto va = narrow_va(h.top_of_stack, p.is64)) {
      candidates.push_back({{TriageRegionKind::CallStack, 0, Gva(*va), h.size_of_call_stack,
                             FileOffset(h.call_stack_offset)},
                            p.field_ref(TriageField::CallStackOffset, h.call_stack_offset)});
    }
  }
  if (h.data_page_address != 0 && h.data_page_offset != 0 && h.data_page_size != 0) {
    if (auto va = narrow_va(h.data_page_address, p.is64)) {
      candidates.push_back({{TriageRegionKind::DataPage, 0, Gva(*va), h.data_page_size,
                             FileOffset(h.data_page_offset)},
                            p.field_ref(TriageField::DataPageOffset, h.data_page_offset)});
    }
  }
  for (size_t i = 0; i < p.out.data_blocks.size(); ++i) {
    const TriageDataBlock& b = p.out.data_blocks[i];
    candidates.push_back({{TriageRegionKind::DataBlock, static_cast<uint32_t>(i), b.va, b.size, b.file_offset},
                          "data block " + std::to_string(i) + " (descriptor at " + hex(b.descriptor_offset) + ")"});
  }
  // dbgeng maps the decoded KDBG copy at the header's KdDebuggerDataBlock, so readers of the KDBG find it there.
  const uint64_t kdbg_va = p.dump_header.kd_debugger_data_block;
  if (p.out.debugger_data_offset && plausible_kdbg_va(kdbg_va, p.is64)) {
    candidates.push_back({{TriageRegionKind::DebuggerData, 0, Gva(kdbg_va), p.out.debugger_data.size(),
                           *p.out.debugger_data_offset},
                          p.field_ref(TriageField::DebuggerDataOffset, h.debugger_data_offset)});
  }
  locate_thread_and_process(p, candidates);

  RegionMap map(p);
  for (auto& c : candidates) map.add(std::move(c));
  p.out.regions = map.take();
}

}  // namespace triage

const char* triage_region_kind_name(TriageRegionKind kind) {
  switch (kind) {
    case TriageRegionKind::CallStack: return "call stack";
    case TriageRegionKind::DataPage: return "data page";
    case TriageRegionKind::DataBlock: return "data block";
    case TriageRegionKind::DebuggerData: return "KDBG copy";
    case TriageRegionKind::Thread: return "thread";
    case TriageRegionKind::Process: return "process";
  }
  return "region";
}

TriageMemory::TriageMemory(ByteSource& file, std::vector<TriageRegion> regions, unsigned pointer_size)
    : file_(file), regions_(std::move(regions)), pointer_size_(pointer_size) {}

TriageMemory::TriageMemory(ByteSource& file, const TriageDump& triage)
    : TriageMemory(file, triage.regions, triage.is64 ? 8 : 4) {}

const TriageRegion* TriageMemory::find(Gva va) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), va.value,
                             [](uint64_t v, const TriageRegion& r) { return v < r.va.value; });
  if (it == regions_.begin()) return nullptr;
  const TriageRegion& r = *std::prev(it);
  return va.value - r.va.value < r.size ? &r : nullptr;
}

Status TriageMemory::read_virtual_exact(Gva va, std::span<uint8_t> out) {
  uint64_t cur = va.value;
  size_t done = 0;
  while (done < out.size()) {
    const TriageRegion* r = done != 0 && cur == 0 ? nullptr : find(Gva(cur));  // cur == 0 here: wrapped past 2^64
    if (!r) {
      return make_error(ErrorCode::NotPresent,
                        "virtual address " + hex(cur) + " is not among the triage dump's saved regions", cur);
    }
    const uint64_t into = cur - r->va.value;
    const size_t n = static_cast<size_t>(std::min<uint64_t>(r->size - into, out.size() - done));
    auto status = read_exact(file_, r->file_offset.value + into, out.subspan(done, n));
    if (!status.ok()) {
      return make_error(ErrorCode::FileEndsEarly,
                        "virtual address " + hex(cur) + " is saved at file offset " +
                            hex(r->file_offset.value + into) + " (" + triage_region_kind_name(r->kind) +
                            "), which could not be read: " + status.error().message,
                        cur);
    }
    done += n;
    cur += n;
  }
  return Ok{};
}

}  // namespace kdmp
