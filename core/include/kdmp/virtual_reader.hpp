// Reads of virtual memory: translate page by page through one paging scheme and one DirectoryTableBase, then read
// the physical bytes. A small translation cache keeps sequential reads and repeated lookups from walking the page
// tables again. It is the VirtualMemory of dumps with physical memory (full, bitmap, RDMP).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kdmp/address.hpp"
#include "kdmp/paging.hpp"
#include "kdmp/physical_reader.hpp"
#include "kdmp/result.hpp"
#include "kdmp/virtual_memory.hpp"

namespace kdmp {

struct TranslationCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;  // page-table walks, failed ones included
};

class VirtualReader final : public VirtualMemory {
 public:
  VirtualReader(PhysicalReader& phys, PagingMode mode, uint64_t dtb);

  PagingMode mode() const { return mode_; }
  uint64_t dtb() const { return dtb_; }

  // As kdmp::translate, answered from the cache when it can be.
  Result<Translation> translate(Gva va);

  // Reads up to out.size() bytes at va and stops before the first byte that cannot be read (an unmapped page, a
  // page not in the dump, the end of the address space). Fails only when not even the first byte can be read; the
  // error says why, `where` is that virtual address.
  Result<size_t> read(Gva va, std::span<uint8_t> out);
  // All of out, or the error of the first virtual address that cannot be read.
  Status read_exact(Gva va, std::span<uint8_t> out);

  // VirtualMemory
  Status read_virtual_exact(Gva va, std::span<uint8_t> out) override { return read_exact(va, out); }
  unsigned pointer_size() const override {
    return mode_ == PagingMode::X86 || mode_ == PagingMode::X86Pae || mode_ == PagingMode::Arm ? 4 : 8;
  }

  // Forgets every cached translation (when the page tables may have changed).
  void clear_cache();
  const TranslationCacheStats& cache_stats() const { return stats_; }

  // Direct-mapped: 4 KiB pages by virtual page number, large pages by 2 MiB virtual frame (a large page is at
  // least 2 MiB and aligned, so one 2 MiB frame never spans two of them). 16 MiB of 4 KiB pages stay translated.
  static constexpr size_t kSmallSlots = 4096;
  static constexpr size_t kLargeSlots = 64;
  // x64: the page table of each 2 MiB virtual frame walked lately, so that a 4 KiB page missing from the slots
  // above costs one PTE read instead of four entries (random reads over 2 GiB stay one entry away).
  static constexpr size_t kTableSlots = 1024;

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};  // no virtual page or frame number is all ones
  struct Slot {
    uint64_t key = kEmpty;
    Translation t;  // gpa = the physical address of the slot's 4 KiB page, or of the large page's base
  };

  bool lookup(uint64_t va, Translation& out);
  Result<Translation> walk(Gva va);  // the page tables, from the remembered page table where there is one
  void remember(uint64_t va, const Translation& t);
  struct Progress {
    size_t done = 0;
    Status status = Ok{};
  };
  Progress read_pages(Gva va, std::span<uint8_t> out);

  PhysicalReader& phys_;
  PagingMode mode_;
  uint64_t dtb_;
  std::vector<Slot> small_ = std::vector<Slot>(kSmallSlots);  // on the heap: 160 KiB
  std::vector<Slot> large_ = std::vector<Slot>(kLargeSlots);
  struct TableSlot {
    uint64_t key = kEmpty;  // va >> 21
    X64PageTable table;
  };
  std::vector<TableSlot> tables_;  // x64 only: kTableSlots entries, 24 KiB
  TranslationCacheStats stats_;
};

}  // namespace kdmp
