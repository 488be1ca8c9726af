#include "kdmp/dump.hpp"

#include <algorithm>
#include <cstring>

#include "kdmp/paging.hpp"
#include "kdmp/virtual_reader.hpp"

namespace kdmp {

Result<Dump> Dump::open(std::unique_ptr<ByteSource> source, OpenOptions options) {
  if (!source) return make_error(ErrorCode::InvalidArgument, "no byte source");
  Dump dump;
  dump.cache_ = std::make_unique<BlockCache>(std::move(source), options.cache);
  auto header = read_header(*dump.cache_);
  if (!header.ok()) return header.error();
  dump.header_ = std::move(header).value();

  const uint64_t size = dump.file_size();
  const uint64_t required = dump.header_.required_dump_space;
  // In a triage dump RequiredDumpSpace is the room Windows reserved (the triage data plus the most secondary data
  // the bug check callbacks may add), not what it wrote: SizeOfDump and the secondary data chain say when such a
  // file is cut short (parse_triage).
  const bool triage = dump.header_.dump_type == static_cast<uint32_t>(DumpType::Triage);
  if (!triage && required != 0 && required != kPageFill64 && size < required) {
    dump.warnings_.push_back(
        {"file-truncated", "the file is " + hex(size) + " bytes but the header's RequiredDumpSpace says " +
                               hex(required) + ": the dump was cut short and pages past " + hex(size) +
                               " are missing"});
  }

  auto index = build_physical_index(*dump.cache_, dump.header_, dump.warnings_);
  if (!index.ok()) return index.error();
  dump.physical_ = std::move(index).value();

  if (const uint64_t lost = dump.physical_.pages_past_end(size); lost != 0) {
    const uint64_t kept = dump.physical_.page_count() - lost;
    dump.warnings_.push_back(
        {"pages-truncated", std::to_string(lost) + " of " + std::to_string(dump.physical_.page_count()) +
                                " physical pages lie past the end of the file at " + hex(size) +
                                " (stored pages start at " + hex(dump.physical_.data_offset()) + ", only " +
                                std::to_string(kept) + " fit): reading them fails"});
  }

  if (dump.header_.dump_type == static_cast<uint32_t>(DumpType::Triage)) {
    auto triage = parse_triage(*dump.cache_, dump.header_);
    if (!triage.ok()) return triage.error();
    dump.triage_ = std::make_unique<TriageDump>(std::move(triage).value());
    dump.warnings_.insert(dump.warnings_.end(), dump.triage_->warnings.begin(), dump.triage_->warnings.end());
  }
  return dump;
}

Result<std::unique_ptr<VirtualMemory>> Dump::virtual_memory(std::optional<uint64_t> dtb) {
  if (triage_) return std::unique_ptr<VirtualMemory>(std::make_unique<TriageMemory>(*cache_, *triage_));
  auto mode = paging_mode_of(header_);
  if (!mode.ok()) return mode.error();
  return std::unique_ptr<VirtualMemory>(
      std::make_unique<VirtualReader>(*this, *mode, dtb.value_or(header_.directory_table_base)));
}

Result<size_t> Dump::read_physical_until(Gpa gpa, std::span<uint8_t> out, std::optional<Error>& stop) {
  if (!has_physical_memory()) {
    stop = make_error(ErrorCode::Unsupported, "a triage dump holds no physical memory", gpa.value);
    return size_t{0};
  }
  const uint64_t size = file_size();
  size_t done = 0;
  while (done < out.size()) {
    // The address and the bytes left in its page come from the current position, not from gpa.
    const uint64_t cur = gpa.value + done;
    if (cur < gpa.value) {  // wrapped past the top of the address space
      stop = make_error(ErrorCode::PageNotInDump, "the read runs past physical address 0xffffffffffffffff", cur);
      break;
    }
    const uint64_t pfn = cur >> 12;
    const auto page = physical_.page_offset(pfn);
    if (!page) {
      stop = make_error(ErrorCode::PageNotInDump,
                        "physical address " + hex(cur) + " is not in the dump (page " + hex(pfn) + " is not stored)",
                        cur);
      break;
    }
    if (page->value > size || size - page->value < kPageSize) {
      stop = make_error(ErrorCode::FileEndsEarly,
                        "physical page " + hex(pfn) + " is not in the dump: the file is truncated at " + hex(size) +
                            " and the page would be at file offset " + hex(page->value),
                        cur);
      break;
    }
    // Extend over the following pages while they are stored right after this one in the file: one cache read.
    const uint64_t in_page = cur & (kPageSize - 1);
    uint64_t chunk = std::min<uint64_t>(out.size() - done, kPageSize - in_page);
    uint64_t next_pfn = pfn + 1;
    uint64_t next_file = page->value + kPageSize;
    while (done + chunk < out.size()) {
      const auto next = physical_.page_offset(next_pfn);
      if (!next || next->value != next_file || next_file > size || size - next_file < kPageSize) break;
      chunk += std::min<uint64_t>(out.size() - done - chunk, kPageSize);
      ++next_pfn;
      next_file += kPageSize;
    }
    auto st = read_exact(*cache_, page->value + in_page, out.subspan(done, static_cast<size_t>(chunk)));
    if (!st.ok()) return st.error();
    done += static_cast<size_t>(chunk);
  }
  return done;
}

Result<size_t> Dump::read_physical(Gpa gpa, std::span<uint8_t> out) {
  std::optional<Error> stop;
  auto got = read_physical_until(gpa, out, stop);
  if (!got.ok()) return got.error();
  if (*got == 0 && stop) return *stop;
  return *got;
}

std::span<const uint8_t> Dump::view_physical(Gpa gpa, size_t size) const {
  if (size == 0 || !cache_->can_view() || gpa.value > UINT64_MAX - (size - 1)) return {};
  const auto first = physical_.page_offset(gpa.page_number());
  if (!first) return {};
  // Every further page of the span must be stored right after the previous one.
  const uint64_t last_pfn = (gpa.value + size - 1) >> 12;
  for (uint64_t pfn = gpa.page_number() + 1; pfn <= last_pfn; ++pfn) {
    const auto page = physical_.page_offset(pfn);
    if (!page || page->value != first->value + (pfn - gpa.page_number()) * kPageSize) return {};
  }
  // As reads do, a page the file holds only part of (a truncated dump) is not in the dump: no view of it either.
  const uint64_t pages = last_pfn - gpa.page_number() + 1;
  if (first->value > file_size() || (file_size() - first->value) / kPageSize < pages) return {};
  const auto bytes = cache_->view(first->value + gpa.page_offset(), size);
  return bytes.size() == size ? bytes : std::span<const uint8_t>{};
}

Status Dump::read_physical_exact(Gpa gpa, std::span<uint8_t> out) {
  // The common case of the page-table walkers and small reads: inside one stored page of the file.
  if (const uint64_t in_page = gpa.page_offset(); !out.empty() && in_page + out.size() <= kPageSize) {
    if (const auto page = physical_.page_offset(gpa.page_number());
        page && page->value <= file_size() && file_size() - page->value >= kPageSize) {
      if (cache_->can_view()) {
        std::memcpy(out.data(), cache_->view(page->value + in_page, out.size()).data(), out.size());
        return Ok{};
      }
      return read_exact(*cache_, page->value + in_page, out);
    }
  }
  std::optional<Error> stop;
  auto got = read_physical_until(gpa, out, stop);
  if (!got.ok()) return got.error();
  if (*got != out.size()) return *stop;
  return Ok{};
}

std::optional<FileOffset> Dump::physical_to_file(Gpa gpa) const {
  const auto page = physical_.page_offset(gpa.page_number());
  if (!page) return std::nullopt;
  return FileOffset(page->value + gpa.page_offset());
}

void Dump::for_each_physical_page(const PageCallback& callback) const {
  physical_.for_each_range([&](const PhysicalRange& r) {
    for (uint64_t i = 0; i < r.page_count; ++i) {
      if (!callback(r.first_pfn + i)) return false;
    }
    return true;
  });
}

}  // namespace kdmp
