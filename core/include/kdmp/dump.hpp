// An opened crash dump: the header plus everything the parser indexed at open time, and the queries on it.
// Opening never reads the dump whole: it reads the header and the index structures (run list, bitmap or RDMP
// ranges) through the block cache; page data is read on demand.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kdmp/block_cache.hpp"
#include "kdmp/header.hpp"
#include "kdmp/physical_reader.hpp"
#include "kdmp/physmem.hpp"
#include "kdmp/result.hpp"
#include "kdmp/source.hpp"
#include "kdmp/triage.hpp"
#include "kdmp/virtual_memory.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct OpenOptions {
  CacheOptions cache;
};

class Dump final : public PhysicalReader {
 public:
  static Result<Dump> open(std::unique_ptr<ByteSource> source, OpenOptions options = {});

  const DumpHeader& header() const { return header_; }
  uint64_t file_size() const { return cache_->size(); }
  const std::vector<Warning>& warnings() const { return warnings_; }

  // Bytes of the dump file itself (for the file hex view); fewer than asked only at the end of the file.
  Result<size_t> read_file(uint64_t offset, std::span<uint8_t> out) { return cache_->read(offset, out); }
  BlockCache& cache() { return *cache_; }

  // --- Physical memory ---
  const PhysicalIndex& physical_index() const { return physical_; }
  bool has_physical_memory() const { return physical_.layout() != PhysicalLayout::None; }
  // Reads up to out.size() bytes at gpa, stopping at the first page the dump does not hold (or holds past the end
  // of a truncated file). Fails only when not even the first byte is readable: PageNotInDump, FileEndsEarly, or
  // Unsupported for a triage dump; `where` is then gpa.
  Result<size_t> read_physical(Gpa gpa, std::span<uint8_t> out);
  // All of out.size() bytes or an error whose `where` is the first physical address that could not be read.
  Status read_physical_exact(Gpa gpa, std::span<uint8_t> out) override;
  // Zero copy: the size bytes at gpa straight from the source's memory (a mapped file), valid while the Dump
  // lives; empty when the source cannot be viewed or the bytes are not all stored one after another in the file
  // (read_physical then copies them or says why).
  std::span<const uint8_t> view_physical(Gpa gpa, size_t size) const;
  // The file offset of the byte at gpa, per the index (may lie past the end of a truncated file).
  std::optional<FileOffset> physical_to_file(Gpa gpa) const;
  uint64_t physical_page_count() const { return physical_.page_count(); }
  // Present pages as merged, sorted ranges: the memory map.
  std::vector<PhysicalRange> physical_ranges() const { return physical_.ranges(); }
  void for_each_physical_range(const RangeCallback& callback) const { physical_.for_each_range(callback); }
  // Present pages by stretches stored one after another in the file (a scan reads each in big reads).
  void for_each_physical_extent(const ExtentCallback& callback) const { physical_.for_each_extent(callback); }
  // Every present PFN in ascending order (the CLI's --mem without an address).
  void for_each_physical_page(const PageCallback& callback) const;
  // The first present PFN >= pfn.
  std::optional<uint64_t> next_physical_page(uint64_t pfn) const { return physical_.next_present(pfn); }

  // --- Virtual memory ---
  // The dump's virtual address space: the page-table walker over physical memory (from the header's
  // DirectoryTableBase, or `dtb`), or a triage dump's saved regions. It refers to this Dump: don't move the Dump
  // while it is alive.
  Result<std::unique_ptr<VirtualMemory>> virtual_memory(std::optional<uint64_t> dtb = std::nullopt);

  // --- Triage (DumpType 4) ---
  const TriageDump* triage() const { return triage_.get(); }

 private:
  Dump() = default;
  // Reads as far as possible; when it stops short, *stop says why (where = the first unread gpa).
  Result<size_t> read_physical_until(Gpa gpa, std::span<uint8_t> out, std::optional<Error>& stop);

  std::unique_ptr<BlockCache> cache_;
  DumpHeader header_;
  std::vector<Warning> warnings_;
  PhysicalIndex physical_;
  std::unique_ptr<TriageDump> triage_;  // on the heap so TriageMemory may refer to it across moves of the Dump
};

}  // namespace kdmp
