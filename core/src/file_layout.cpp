#include "kdmp/file_layout.hpp"

#include <algorithm>

#include "kdmp/le.hpp"

namespace kdmp {

namespace {

std::string count_of(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string pages(uint64_t n) { return hex(n) + (n == 1 ? " page" : " pages"); }

// Collects regions, cut at the end of the file.
class Regions {
 public:
  explicit Regions(uint64_t file_size) : file_size_(file_size) {}

  void add(const char* kind, std::string name, uint64_t offset, uint64_t size) {
    if (size == 0 || offset >= file_size_) return;
    const uint64_t kept = std::min(size, file_size_ - offset);
    if (kept < size) name += " (cut short: the file ends at " + hex(file_size_) + ")";
    regions_.push_back({kind, std::move(name), offset, kept});
  }

  std::vector<FileRegion> sorted() && {
    std::stable_sort(regions_.begin(), regions_.end(), [](const FileRegion& a, const FileRegion& b) {
      return a.offset != b.offset ? a.offset < b.offset : a.size > b.size;  // a container before what it holds
    });
    return std::move(regions_);
  }

 private:
  uint64_t file_size_;
  std::vector<FileRegion> regions_;
};

// One page-data region per run (full dumps) or range (RDMP), in file order, numbered from 1 (runs of no pages hold
// nothing and are not counted); past kMaxListedRegions, one region for the rest (the pages are packed, so the rest
// is one stretch).
// `word` titles one ("Range"); `one` and `many` count the rest ("range", "ranges").
void add_run_pages(Regions& out, const PhysicalIndex& index, const char* word, const char* one, const char* many) {
  std::vector<PageRuns::Run> runs = index.runs().runs();
  std::sort(runs.begin(), runs.end(),
            [](const PageRuns::Run& a, const PageRuns::Run& b) { return a.first_ordinal < b.first_ordinal; });
  const uint64_t data = index.data_offset();
  const size_t listed = std::min(runs.size(), kMaxListedRegions);
  for (size_t i = 0; i < listed; ++i) {
    const PageRuns::Run& r = runs[i];
    out.add("page-data",
            std::string(word) + " " + std::to_string(i + 1) + ": " + pages(r.page_count) + " from PFN " +
                hex(r.first_pfn),
            data + r.first_ordinal * kPageSize, r.page_count * kPageSize);
  }
  if (listed == runs.size()) return;
  const uint64_t first = runs[listed].first_ordinal;
  const uint64_t rest = index.page_count() - first;
  const uint64_t more = runs.size() - listed;
  out.add("page-data", std::to_string(more) + " more " + (more == 1 ? one : many) + ": " + pages(rest),
          data + first * kPageSize, rest * kPageSize);
}

void add_full(Regions& out, const Dump& dump) {
  const DumpHeader& h = dump.header();
  // PHYSICAL_MEMORY_DESCRIPTOR: NumberOfRuns, NumberOfPages, then the runs; the index checked the count at open.
  const uint64_t runs = le::u32(h.raw, h.physical_memory_block_offset);
  const uint64_t size = h.is64 ? 16 + 16 * runs : 8 + 8 * runs;
  out.add("run-list", "Run list (" + count_of(runs, "run", "runs") + ")", h.physical_memory_block_offset, size);
  add_run_pages(out, dump.physical_index(), "Run", "run", "runs");
}

void add_bitmap(Regions& out, const Dump& dump) {
  const uint64_t base = dump.header().header_size;
  const PhysicalIndex& index = dump.physical_index();
  const uint64_t bits = index.bitmap().bit_count();
  out.add("bitmap-header", "Bitmap summary header", base, kBitmapSummarySize);
  out.add("bitmap", "Page bitmap (" + std::to_string(bits) + " bits)", base + kBitmapSummarySize, (bits + 7) / 8);
  out.add("page-data", "Page data: " + pages(index.page_count()), index.data_offset(),
          index.page_count() * kPageSize);
}

void add_rdmp(Regions& out, const Dump& dump) {
  const uint64_t base = dump.header().header_size;
  const PhysicalIndex& index = dump.physical_index();
  const uint64_t ranges_at = base + kRdmpHeaderSize;
  // The table runs up to FirstPageOffset, where the pages start (the index checked that at open).
  const uint64_t table = index.data_offset() - ranges_at;
  out.add("rdmp-header", "RDMP header", base, kRdmpHeaderSize);
  out.add("rdmp-ranges", "RDMP ranges (" + count_of(table / kRdmpRangeSize, "range", "ranges") + ")", ranges_at,
          table);
  add_run_pages(out, index, "Range", "range", "ranges");
}

void add_triage(Regions& out, const TriageDump& t) {
  const TriageHeader& h = t.header;
  const uint64_t pointer = t.is64 ? 8 : 4;
  out.add("triage-header", t.is64 ? "Triage header (TRIAGE_DUMP64)" : "Triage header (TRIAGE_DUMP32)", h.offset,
          t.is64 ? kTriageHeaderSize64 : kTriageHeaderSize32);

  for (const TriageBlob& b : t.blobs) {
    const char* kind = b.field == TriageField::PrcbOffset      ? "triage-prcb"
                       : b.field == TriageField::ProcessOffset ? "triage-process"
                       : b.field == TriageField::ThreadOffset  ? "triage-thread"
                                                               : "triage-mm";
    std::string name = b.field == TriageField::MmOffset ? b.name : b.name + " copy";
    if (b.va) name += " (VA " + hex(b.va->value) + ")";
    out.add(kind, std::move(name), b.offset.value, b.size);  // size 0 (unknown without the KDBG copy): left out
  }

  if (h.unloaded_drivers_offset != 0) {
    // The count in a pointer-sized slot, then the entries the parser read.
    const uint64_t entry = t.is64 ? kUnloadedDriverSize64 : kUnloadedDriverSize32;
    out.add("triage-unloaded-drivers", "Unloaded drivers (" + std::to_string(t.unloaded_drivers.size()) + ")",
            h.unloaded_drivers_offset, pointer + t.unloaded_drivers.size() * entry);
  }
  if (h.call_stack_offset != 0) {
    out.add("triage-call-stack", "Call stack (VA " + hex(h.top_of_stack) + ")", h.call_stack_offset,
            h.size_of_call_stack);
  }
  if (t.debugger_data_offset) {
    out.add("triage-kdbg", "KDBG copy (KDDEBUGGER_DATA64)", t.debugger_data_offset->value, t.debugger_data.size());
  }
  if (h.driver_list_offset != 0) {
    const uint64_t entry = t.is64 ? kDriverEntrySize64 : kDriverEntrySize32;
    out.add("triage-drivers", "Driver list (" + count_of(t.drivers.size(), "driver", "drivers") + ")",
            h.driver_list_offset, t.drivers.size() * entry);
  }
  if (h.string_pool_offset != 0) {
    out.add("triage-strings", "String pool (driver names)", h.string_pool_offset, h.string_pool_size);
  }
  if (h.data_page_offset != 0) {
    out.add("triage-data-page", "Data page (VA " + hex(h.data_page_address) + ")", h.data_page_offset,
            h.data_page_size);
  }
  if (h.data_blocks_offset != 0) {
    out.add("triage-data-blocks", "Data block descriptors (" + std::to_string(h.data_blocks_count) + ")",
            h.data_blocks_offset, uint64_t{h.data_blocks_count} * t.data_block_stride);
  }
  // Numbered from 0, as the triage warnings number them.
  const size_t listed = std::min(t.data_blocks.size(), kMaxListedRegions);
  for (size_t i = 0; i < listed; ++i) {
    const TriageDataBlock& b = t.data_blocks[i];
    out.add("triage-data-block",
            "Data block " + std::to_string(i) + ": " + hex(b.size) + " bytes (VA " + hex(b.va.value) + ")",
            b.file_offset.value, b.size);
  }
  if (listed < t.data_blocks.size()) {
    // The kernel writes the blocks one after another: one stretch from the first unlisted to the furthest end.
    uint64_t first = UINT64_MAX, end = 0;
    for (size_t i = listed; i < t.data_blocks.size(); ++i) {
      const TriageDataBlock& b = t.data_blocks[i];
      first = std::min(first, b.file_offset.value);
      end = std::max(end, b.file_offset.value + b.size);
    }
    const uint64_t more = t.data_blocks.size() - listed;
    out.add("triage-data-block", std::to_string(more) + (more == 1 ? " more data block" : " more data blocks"),
            first, end - first);
  }
  if (t.valid) out.add("triage-valid", "Validity marker (TRGD)", h.valid_offset, 4);
  if (const auto& s = t.secondary_data) {
    out.add("triage-secondary-data",
            "Secondary dump data (" + count_of(s->blobs.size(), "tagged blob", "tagged blobs") + ")", s->offset,
            s->end - s->offset);
  }
}

}  // namespace

std::vector<FileRegion> file_layout(const Dump& dump) {
  const DumpHeader& h = dump.header();
  Regions out(dump.file_size());
  out.add("header", h.is64 ? "Dump header (PAGEDU64)" : "Dump header (PAGEDUMP)", 0, h.header_size);
  switch (static_cast<DumpType>(h.dump_type)) {
    case DumpType::Full: add_full(out, dump); break;
    case DumpType::BitmapFull:
    case DumpType::BitmapKernel: add_bitmap(out, dump); break;
    case DumpType::KernelMemory:
    case DumpType::KernelAndUserMemory:
    case DumpType::CompleteMemory: add_rdmp(out, dump); break;
    case DumpType::Triage:
      if (const TriageDump* t = dump.triage()) add_triage(out, *t);
      break;
    case DumpType::Kernel: break;  // never opens
  }
  return std::move(out).sorted();
}

}  // namespace kdmp
