// Batched reads of physical or virtual memory: many small reads answered together, so that a source whose every call
// has a high fixed cost (a browser File read costs ~1 ms whatever its size up to 64 KiB) is read in few calls.
// Every address is located in the file first (page tables walked through the block cache as usual), the stretches of
// the file the reads need are sorted by offset and merged where the gap between two is cheaper to read than a new
// call (the source's ReadHint::coalesce_gap), and each merged stretch is read in chunks of at most a few MiB into one
// scratch buffer, from which the bytes go to the reads. A dense batch becomes a sequential sweep of the file, a
// sparse one stays a set of small reads. Data bytes bypass the block cache, so they do not evict the page tables.
// A source that can be viewed (a mapping, a buffer) is copied from directly, with no planning.
//
// Each read behaves as the same read made alone (Dump::read_physical, VirtualReader::read): its bytes go to `out` at
// a running offset (the sum of the lengths before it) and it stops at the first byte that cannot be read; its status
// says how many bytes it got and, when short, why. A read never fails the batch; only a batch over the bounds or
// with buffers of the wrong size does (InvalidArgument).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "kdmp/result.hpp"

namespace kdmp {

class Dump;
class VirtualMemory;

// At most this many reads and this many bytes (the sum of their lengths) per batch: the planner's memory is
// bounded by them (a few bytes per read and per page), the scratch buffer by the source's read-ahead.
inline constexpr size_t kBatchMaxReads = size_t{1} << 18;
inline constexpr size_t kBatchMaxBytes = size_t{16} << 20;

struct BatchRead {
  uint64_t address = 0;  // physical or virtual, per the function
  uint32_t length = 0;
};

// What one read got: done bytes from its start (at its offset in out). When done < length, stop says why the byte
// at address + done could not be read (PageNotInDump, FileEndsEarly, NotPresent, PageTablePageMissing, Io, ...).
struct BatchReadStatus {
  uint32_t done = 0;
  std::optional<ErrorCode> stop;
};

// How a batch was served, for tests and benchmarks.
struct BatchStats {
  uint64_t pieces = 0;        // stretches of the file the reads need (one per page or run of pages)
  uint64_t source_reads = 0;  // calls to the source for data (page-table reads through the cache not counted)
  uint64_t source_bytes = 0;  // bytes those calls read, gaps included
};

// The bytes `out` must hold for these reads (the sum of their lengths), or InvalidArgument over the bounds.
Result<size_t> batch_bytes(std::span<const BatchRead> reads);

// Physical memory of `dump`. status.size() must equal reads.size() and out.size() be at least batch_bytes(reads).
Status read_physical_batch(Dump& dump, std::span<const BatchRead> reads, std::span<uint8_t> out,
                           std::span<BatchReadStatus> status, BatchStats* stats = nullptr);

// Virtual memory of `memory`, an address space of `dump` (Dump::virtual_memory). A page-table walker is planned as
// above; a triage dump's saved regions are read one by one (they are few and small).
Status read_virtual_batch(Dump& dump, VirtualMemory& memory, std::span<const BatchRead> reads,
                          std::span<uint8_t> out, std::span<BatchReadStatus> status, BatchStats* stats = nullptr);

}  // namespace kdmp
