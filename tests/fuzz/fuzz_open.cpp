// libFuzzer target: the input is a dump file (or a PDB, whose x86 frame data is read and run, or a PE image whose
// every .pdata entry is unwound, from inside the prologue and from the function's last byte, an epilogue). Opens it through MemorySource (with a tiny block cache, so eviction
// runs too), then reads physical memory the ways the viewer does, checks batched physical and virtual reads (through
// a second, unviewable source, so the planner runs) against the same reads one by one, and renders the summary.
// Besides the sanitizers' checks it traps on broken invariants of the physical index: ranges that disagree with the
// page count or the lookup, reads that return more than asked, an exact read that fails where a plain read of the
// same bytes worked, and bytes that differ from the file at physical_to_file.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "kdmp/batch_read.hpp"
#include "kdmp/dump.hpp"
#include "kdmp/file_layout.hpp"
#include "kdmp/frame_data.hpp"
#include "kdmp/le.hpp"
#include "kdmp/next_mapped.hpp"
#include "kdmp/pdb.hpp"
#include "kdmp/pdb_types.hpp"
#include "kdmp/pe_image.hpp"
#include "kdmp/summary.hpp"
#include "kdmp/unwind_arm64.hpp"
#include "kdmp/unwind_x64.hpp"
#include "kdmp/unwind_x86.hpp"
#include "kdmp/virtual_reader.hpp"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A deterministic stream of numbers taken from the input's tail, so the fuzzer steers the addresses it reads.
class Numbers {
 public:
  explicit Numbers(std::span<const uint8_t> data) : data_(data) {}
  uint64_t next() {
    uint64_t v = 0;
    for (int i = 0; i < 8 && !data_.empty(); ++i) {
      v |= static_cast<uint64_t>(data_.back()) << (8 * i);
      data_ = data_.first(data_.size() - 1);
    }
    return v ^ (counter_++ * 0x9e3779b97f4a7c15ull);
  }

 private:
  std::span<const uint8_t> data_;
  uint64_t counter_ = 0;
};

// Reads `size` bytes at gpa both ways and checks they agree with each other and with the file.
void read_and_check(kdmp::Dump& dump, std::span<const uint8_t> file, uint64_t gpa, size_t size) {
  std::vector<uint8_t> a(size), b(size);
  auto got = dump.read_physical(kdmp::Gpa(gpa), a);
  auto exact = dump.read_physical_exact(kdmp::Gpa(gpa), b);
  if (got.ok()) {
    check(*got <= size);
    check(exact.ok() == (*got == size));
    if (exact.ok() && size > 0) check(std::memcmp(a.data(), b.data(), size) == 0);
    if (*got > 0) {
      // The first byte comes from where the index says it lives.
      const auto off = dump.physical_to_file(kdmp::Gpa(gpa));
      check(off.has_value());
      check(off->value < file.size() && a[0] == file[off->value]);
    }
  } else {
    check(!exact.ok() || size == 0);
  }
}

// The input's bytes through a source that cannot be viewed, so batched reads go through their planner (sorted,
// coalesced, chunked source reads) instead of copying from the view.
class Unviewed final : public kdmp::ByteSource {
 public:
  explicit Unviewed(std::span<const uint8_t> bytes) : mem_(bytes) {}
  uint64_t size() const override { return mem_.size(); }
  kdmp::Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override { return mem_.read(offset, out); }
  kdmp::ReadHint read_hint() const override { return {4096, 64 * 1024, 8 * 1024}; }

 private:
  kdmp::MemorySource mem_;
};

// A batch of reads (physical, or virtual through the header's page tables) gives what the same reads give one by one
// on `single`: the byte count, whether it stopped, and the bytes.
void batch_and_check(kdmp::Dump& single, kdmp::Dump& batched, const std::vector<kdmp::BatchRead>& reads, bool virt) {
  std::vector<uint8_t> out(kdmp::batch_bytes(reads).value());
  std::vector<kdmp::BatchReadStatus> status(reads.size());
  auto single_vm = single.virtual_memory();
  auto batched_vm = batched.virtual_memory();
  if (virt && (!single_vm.ok() || !batched_vm.ok())) return;
  auto st = virt ? kdmp::read_virtual_batch(batched, **batched_vm, reads, out, status)
                 : kdmp::read_physical_batch(batched, reads, out, status);
  check(st.ok());
  size_t offset = 0;
  for (size_t i = 0; i < reads.size(); ++i) {
    const kdmp::BatchRead& r = reads[i];
    check(status[i].done <= r.length && status[i].stop.has_value() == (status[i].done < r.length));
    std::vector<uint8_t> one(r.length);
    uint64_t got = 0;
    if (virt) {
      // Only the page-table walker reads partially; a triage dump's regions read exactly or not at all.
      if (auto* reader = dynamic_cast<kdmp::VirtualReader*>(single_vm->get())) {
        auto n = reader->read(kdmp::Gva(r.address), one);
        got = n.ok() ? *n : 0;
      } else {
        got = (*single_vm)->read_virtual_exact(kdmp::Gva(r.address), one).ok() ? r.length : status[i].done;
      }
    } else {
      auto n = single.read_physical(kdmp::Gpa(r.address), one);
      got = n.ok() ? *n : 0;
    }
    check(got == status[i].done);
    if (got > 0) check(std::memcmp(one.data(), out.data() + offset, static_cast<size_t>(got)) == 0);
    offset += r.length;
  }
}

// The input as a PDB (MSF magic) or a PE image file ("MZ"): open, index, look up; errors must say something.
void unwind_every_function(std::span<const uint8_t> file, const kdmp::PeImage& image);
void run_frame_data(std::span<const uint8_t> file, kdmp::Pdb& pdb);

void symbols_file(std::span<const uint8_t> file) {
  if (kdmp::is_pdb(file)) {
    auto pdb = kdmp::Pdb::open(std::make_unique<kdmp::MemorySource>(file));
    if (!pdb.ok()) {
      check(!pdb.error().message.empty());
      return;
    }
    // The type records (TPI): the kernel's structure offsets, every member of every structure they define.
    std::vector<kdmp::Warning> type_warnings;
    auto offsets = kdmp::kernel_offsets_from_pdb(*pdb, "fuzz.pdb", &type_warnings);
    if (!offsets.ok()) check(!offsets.error().message.empty());
    if (auto types = kdmp::PdbTypes::read(*pdb, {"_EPROCESS", "_KTHREAD", "_KPCR"}); types.ok()) {
      check(types->type_index_end() >= types->type_index_begin());
      for (const char* name : {"_EPROCESS", "_KTHREAD", "_KPCR"}) {
        if (auto def = types->definition(name)) (void)types->members(*def);
      }
    }
    run_frame_data(file, *pdb);
    auto table = pdb->index_symbols();
    if (!table.ok()) return;
    for (const kdmp::SymbolEntry& e : table->entries()) {
      auto hit = table->find(e.rva);
      check(hit.has_value() && hit->rva <= e.rva);
    }
    return;
  }
  kdmp::MemorySource source(file);
  auto image = kdmp::read_image_file(source);
  if (!image.ok()) {
    check(!image.error().message.empty());
    return;
  }
  for (size_t i = 1; i < image->runtime_functions.size(); ++i) {
    check(image->runtime_functions[i - 1].begin <= image->runtime_functions[i].begin);
  }
  unwind_every_function(file, *image);
}

// The input's bytes as a thread's stack at a fixed address, for the unwinders.
class BytesStack final : public kdmp::VirtualMemory {
 public:
  static constexpr uint64_t kBase = 0xffffd00000000000ull;
  explicit BytesStack(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  kdmp::Status read_virtual_exact(kdmp::Gva va, std::span<uint8_t> out) override {
    if (va.value < kBase || va.value - kBase > bytes_.size() || out.size() > bytes_.size() - (va.value - kBase)) {
      return kdmp::make_error(kdmp::ErrorCode::NotPresent, "outside the stack", va.value);
    }
    std::memcpy(out.data(), bytes_.data() + (va.value - kBase), out.size());
    return kdmp::Ok{};
  }
  unsigned pointer_size() const override { return 8; }

 private:
  std::span<const uint8_t> bytes_;
};

// The input's bytes as a 32-bit thread's stack, for the x86 frame data programs.
class BytesStack32 final : public kdmp::VirtualMemory {
 public:
  static constexpr uint64_t kBase = 0x9a000000ull;
  explicit BytesStack32(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  kdmp::Status read_virtual_exact(kdmp::Gva va, std::span<uint8_t> out) override {
    if (va.value < kBase || va.value - kBase > bytes_.size() || out.size() > bytes_.size() - (va.value - kBase)) {
      return kdmp::make_error(kdmp::ErrorCode::NotPresent, "outside the stack", va.value);
    }
    std::memcpy(out.data(), bytes_.data() + (va.value - kBase), out.size());
    return kdmp::Ok{};
  }
  unsigned pointer_size() const override { return 4; }

 private:
  std::span<const uint8_t> bytes_;
};

// The PDB's x86 frame data (new FPO programs, old FPO_DATA): every record is found by its own RVA, and the first
// 256 are run over a stack made of the input; errors must say something.
void run_frame_data(std::span<const uint8_t> file, kdmp::Pdb& pdb) {
  std::vector<kdmp::Warning> warnings;
  const kdmp::X86FrameTable table = kdmp::read_x86_frame_table(pdb, &warnings);
  for (const kdmp::Warning& w : warnings) check(!w.message.empty());
  BytesStack32 stack(file);
  const kdmp::IsReturnAddress odd = [](uint32_t v) { return (v & 1) != 0; };
  size_t n = 0;
  for (const kdmp::X86FrameData& f : table.records()) {
    if (f.code_size > 0) check(table.find(f.rva) != nullptr);
    if (++n > 256) continue;
    kdmp::X86Registers r;
    r.eip = 0x80400000u + f.rva;
    r.esp = static_cast<uint32_t>(BytesStack32::kBase) + (f.rva % 64) * 4;
    r.ebp = r.esp + 0x40;
    auto step = kdmp::unwind_x86(table, f, f.params, stack, r, odd);
    if (!step.ok()) check(!step.error().message.empty());
  }
}

// An image file as the unwinders' source of UNWIND_INFO / .xdata.
class FileUnwindSource final : public kdmp::UnwindSource {
 public:
  explicit FileUnwindSource(kdmp::FileImageReader& reader) : reader_(reader) {}
  std::optional<kdmp::UnwindEntry> find_function(uint64_t) override { return std::nullopt; }
  bool has_unwind_data(uint64_t) override { return true; }
  kdmp::Status read_image(uint64_t, uint64_t rva, std::span<uint8_t> out) override {
    if (rva > 0xffffffffull) return kdmp::make_error(kdmp::ErrorCode::InvalidArgument, "rva");
    return reader_.read(static_cast<uint32_t>(rva), out);
  }

 private:
  kdmp::FileImageReader& reader_;
};

// Every .pdata entry of the image unwound once over a stack made of the input itself: errors that say something,
// never a crash.
void unwind_every_function(std::span<const uint8_t> file, const kdmp::PeImage& image) {
  kdmp::MemorySource source(file);
  auto reader = kdmp::FileImageReader::open(source);
  if (!reader.ok()) return;
  FileUnwindSource unwind(*reader);
  BytesStack stack(file);
  size_t n = 0;
  for (const kdmp::RuntimeFunction& f : image.runtime_functions) {
    if (++n > 256) break;
    kdmp::UnwindEntry e{0x140000000ull, f.begin, f.end, f.unwind, image.machine};
    if (image.machine == 0x8664) {
      kdmp::X64Registers r;
      r.rip = e.image_base + f.begin + 1;
      r.rsp() = BytesStack::kBase + (f.begin % 64) * 8;
      r.gpr[5] = r.rsp() + 0x40;
      auto step = kdmp::unwind_x64(unwind, stack, e, r, (f.begin & 1) != 0);
      if (!step.ok()) check(!step.error().message.empty());
      // The function's last byte, as the instruction pointer: usually its epilogue's ret.
      if (f.end > f.begin) {
        kdmp::X64Registers last;
        last.rip = e.image_base + f.end - 1;
        last.rsp() = BytesStack::kBase + (f.end % 64) * 8;
        last.gpr[5] = last.rsp() + 0x40;
        auto at_end = kdmp::unwind_x64(unwind, stack, e, last, true);
        if (!at_end.ok()) check(!at_end.error().message.empty());
      }
    } else if (image.machine == 0xAA64) {
      kdmp::Arm64Registers r;
      r.pc = e.image_base + f.begin + 4;
      r.sp = BytesStack::kBase + (f.begin % 64) * 8;
      r.x[29] = r.sp + 0x40;
      (void)kdmp::unwind_arm64(unwind, stack, e, r, (f.begin & 4) != 0);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> file(data, size);
  if (size >= 2 && ((data[0] == 'M' && data[1] == 'Z') || kdmp::is_pdb(file))) {
    symbols_file(file);
    return 0;
  }
  kdmp::OpenOptions options;
  options.cache.block_size = 4096;
  options.cache.budget = 64 * 1024;
  auto opened = kdmp::Dump::open(std::make_unique<kdmp::MemorySource>(file), options);
  if (!opened.ok()) {
    check(!opened.error().message.empty());
    return 0;
  }
  kdmp::Dump& dump = *opened;

  // Extents (what the search reads from the file) cover the present pages and say where each one is; a view of an
  // extent's first page (zero copy: MemorySource can be viewed) holds what a read returns.
  uint64_t extent_pages = 0;
  dump.for_each_physical_extent([&](const kdmp::PhysicalExtent& e) {
    extent_pages += e.page_count;
    const auto off = dump.physical_to_file(kdmp::Gpa(e.first_pfn << 12));
    check(off.has_value() && off->value == e.file_offset);
    const auto view = dump.view_physical(kdmp::Gpa(e.first_pfn << 12), 16);
    std::array<uint8_t, 16> copy{};
    if (!view.empty()) check(dump.read_physical_exact(kdmp::Gpa(e.first_pfn << 12), copy).ok() &&
                             std::equal(view.begin(), view.end(), copy.begin()));
    return true;
  });
  check(extent_pages == dump.physical_page_count());

  // The memory map agrees with the page count and with the lookup at every range's edges.
  const auto ranges = dump.physical_ranges();
  uint64_t pages = 0;
  for (size_t i = 0; i < ranges.size(); ++i) {
    const kdmp::PhysicalRange& r = ranges[i];
    check(r.page_count != 0);
    if (i > 0) check(ranges[i - 1].first_pfn + ranges[i - 1].page_count < r.first_pfn);  // merged and sorted
    check(dump.physical_index().page_offset(r.first_pfn).has_value());
    check(dump.physical_index().page_offset(r.first_pfn + r.page_count - 1).has_value());
    check(!dump.physical_index().page_offset(r.first_pfn + r.page_count).has_value());
    if (r.first_pfn > 0) check(!dump.physical_index().page_offset(r.first_pfn - 1).has_value());
    check(dump.next_physical_page(r.first_pfn) == r.first_pfn);
    pages += r.page_count;
  }
  check(pages == dump.physical_page_count());

  // The first present pages, whole and across their boundaries.
  std::vector<uint64_t> first_pfns;
  dump.for_each_physical_page([&](uint64_t pfn) {
    first_pfns.push_back(pfn);
    return first_pfns.size() < 4;
  });
  for (uint64_t pfn : first_pfns) {
    read_and_check(dump, file, pfn << 12, 0x1000);
    read_and_check(dump, file, (pfn << 12) + 0xff8, 0x20);
  }

  // Addresses the input chooses: anywhere, and inside present ranges.
  Numbers numbers(file);
  for (int i = 0; i < 8; ++i) {
    const uint64_t len = numbers.next() % 0x3000;
    read_and_check(dump, file, numbers.next(), static_cast<size_t>(len));
    if (!ranges.empty()) {
      const kdmp::PhysicalRange& r = ranges[numbers.next() % ranges.size()];
      const uint64_t pfn = r.first_pfn + numbers.next() % r.page_count;
      read_and_check(dump, file, (pfn << 12) + (numbers.next() & 0xfff), static_cast<size_t>(len));
    }
  }

  // Batches of the same kind of reads, through the planner, agree with the reads one by one.
  if (auto batched = kdmp::Dump::open(std::make_unique<Unviewed>(file), options); batched.ok()) {
    for (bool virt : {false, true}) {
      std::vector<kdmp::BatchRead> reads;
      for (int i = 0; i < 16; ++i) {
        const uint32_t len = static_cast<uint32_t>(numbers.next() % 0x2000);
        uint64_t address = numbers.next();
        if (!virt && !ranges.empty() && i % 2 == 0) {
          const kdmp::PhysicalRange& r = ranges[numbers.next() % ranges.size()];
          address = ((r.first_pfn + numbers.next() % r.page_count) << 12) + (numbers.next() & 0xfff);
        }
        reads.push_back({address, len});
      }
      batch_and_check(dump, *batched, reads, virt);
    }
  }

  // The file view's structures stay inside the file, sorted.
  const auto layout = kdmp::file_layout(dump);
  for (size_t i = 0; i < layout.size(); ++i) {
    check(layout[i].size > 0 && layout[i].offset <= size && layout[i].size <= size - layout[i].offset);
    if (i > 0) check(layout[i - 1].offset <= layout[i].offset);
  }

  // "Next mapped memory" from an address the input chooses: an answer at or after it, readable, within a budget.
  if (auto memory = dump.virtual_memory(); memory.ok()) {
    const uint64_t from = numbers.next();
    auto next = kdmp::next_mapped_virtual(**memory, kdmp::Gva(from), kdmp::NextMappedOptions{.max_steps = 4096});
    if (next.ok() && next->has_value()) {
      check((*next)->value >= from);
      uint8_t byte = 0;
      check((*memory)->read_virtual_exact(**next, std::span<uint8_t>(&byte, 1)).ok());
    }
  }

  const std::string json = kdmp::summary_json(dump);
  check(!json.empty() && json.front() == '{' && json.back() == '}');
  return 0;
}
