#include "kdmp/batch_read.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kdmp/dump.hpp"
#include "kdmp/virtual_reader.hpp"

namespace kdmp {
namespace {

// A stretch of the file one read needs, and where its bytes go in out (out offsets fit 32 bits: out holds at most
// kBatchMaxBytes).
struct Piece {
  uint64_t file;
  uint32_t out;
  uint32_t length;
};

// The scratch buffer's bounds: chunks of the source's read-ahead, but at least 64 KiB and at most 4 MiB.
constexpr size_t kMinChunk = 64 * 1024;
constexpr size_t kMaxChunk = 4 * 1024 * 1024;

Status check_batch(std::span<const BatchRead> reads, std::span<uint8_t> out, std::span<BatchReadStatus> status) {
  auto total = batch_bytes(reads);
  if (!total.ok()) return total.error();
  if (status.size() != reads.size()) {
    return make_error(ErrorCode::InvalidArgument, "a batch of " + std::to_string(reads.size()) + " reads needs as many "
                                                      "statuses, not " + std::to_string(status.size()));
  }
  if (out.size() < *total) {
    return make_error(ErrorCode::InvalidArgument, "the reads need " + std::to_string(*total) +
                                                      " bytes of output, the buffer holds " +
                                                      std::to_string(out.size()));
  }
  return Ok{};
}

// Collects the pieces of every read, then reads them from the source in as few calls as the hint makes worthwhile.
// With a source that can be viewed, each piece is copied as it comes and nothing is planned.
class Planner {
 public:
  Planner(Dump& dump, std::span<const BatchRead> reads, std::span<uint8_t> out, std::span<BatchReadStatus> status)
      : dump_(dump), reads_(reads), out_(out), status_(status), file_size_(dump.file_size()),
        viewable_(dump.cache().can_view()) {
    offsets_.reserve(reads.size());
    uint32_t offset = 0;
    for (const BatchRead& r : reads) {
      offsets_.push_back(offset);
      offset += r.length;
    }
    // A piece per read, plus one per page a read crosses into: no regrowth (and no doubled peak) for most batches.
    if (!viewable_) pieces_.reserve(reads.size() + offset / kPageSize);
  }

  uint32_t offset_of(size_t read) const { return offsets_[read]; }

  // The byte at gpa starts a piece of up to `length` bytes (inside its page) for out[out_offset...]; false, with
  // *why set, when the dump does not hold it (as Dump::read_physical would say).
  bool add_physical(uint64_t gpa, size_t out_offset, size_t length, ErrorCode* why) {
    const auto at = dump_.physical_to_file(Gpa(gpa));
    if (!at) {
      *why = ErrorCode::PageNotInDump;
      return false;
    }
    const uint64_t page = at->value - (gpa & (kPageSize - 1));
    if (page > file_size_ || file_size_ - page < kPageSize) {
      *why = ErrorCode::FileEndsEarly;
      return false;
    }
    add(at->value, out_offset, length);
    return true;
  }

  // Reads every piece, fills the statuses (done was set by the caller up to where planning stopped; a failed
  // source read shortens it) and the stats.
  void run(BatchStats& stats) {
    stats.pieces += piece_count_;
    if (viewable_ || pieces_.empty()) return;
    std::sort(pieces_.begin(), pieces_.end(), [](const Piece& a, const Piece& b) { return a.file < b.file; });
    const ReadHint hint = dump_.cache().read_hint();
    const uint64_t gap = hint.coalesce_gap;
    const size_t chunk = std::clamp(std::max(hint.read_ahead, hint.block_size), kMinChunk, kMaxChunk);
    ByteSource& source = dump_.cache().inner();
    for (size_t i = 0; i < pieces_.size();) {
      const uint64_t start = pieces_[i].file;
      uint64_t end = start + pieces_[i].length;
      size_t j = i + 1;
      for (; j < pieces_.size(); ++j) {
        const Piece& next = pieces_[j];
        if (next.file > end + gap) break;
        const uint64_t next_end = std::max(end, next.file + next.length);
        if (next_end - start > chunk) break;
        end = next_end;
      }
      ++stats.source_reads;
      stats.source_bytes += end - start;
      if (j == i + 1) {  // alone: straight into out, whatever its size
        const Piece& p = pieces_[i];
        auto st = read_exact(source, p.file, out_.subspan(p.out, p.length));
        if (!st.ok()) fail(p, st.error().code);
      } else {
        if (!scratch_) scratch_.reset(new uint8_t[chunk]);  // left uninitialised: every byte used is read first
        auto st = read_exact(source, start, std::span<uint8_t>(scratch_.get(), static_cast<size_t>(end - start)));
        for (size_t k = i; k < j; ++k) {
          const Piece& p = pieces_[k];
          if (st.ok()) {
            std::memcpy(out_.data() + p.out, scratch_.get() + (p.file - start), p.length);
          } else {
            fail(p, st.error().code);
          }
        }
      }
      i = j;
    }
  }

 private:
  void add(uint64_t file, size_t out_offset, size_t length) {
    ++piece_count_;
    if (viewable_) {
      std::memcpy(out_.data() + out_offset, dump_.cache().view(file, length).data(), length);
      return;
    }
    // A read over pages stored one after another is one piece.
    if (!pieces_.empty()) {
      Piece& last = pieces_.back();
      if (last.out + last.length == out_offset && last.file + last.length == file) {
        last.length += static_cast<uint32_t>(length);
        --piece_count_;
        return;
      }
    }
    pieces_.push_back(Piece{file, static_cast<uint32_t>(out_offset), static_cast<uint32_t>(length)});
  }

  // The source could not give p's bytes: every read p covers stops at its first byte there, if not earlier.
  void fail(const Piece& p, ErrorCode code) {
    const uint64_t first = p.out, last = uint64_t{p.out} + p.length;
    // The last read starting at or before the piece's first byte.
    size_t r = static_cast<size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), p.out) - offsets_.begin()) - 1;
    for (; r < reads_.size() && offsets_[r] < last; ++r) {
      if (reads_[r].length == 0) continue;
      const uint32_t stop_at = static_cast<uint32_t>(std::max<uint64_t>(first, offsets_[r]) - offsets_[r]);
      if (stop_at < status_[r].done) {
        status_[r].done = stop_at;
        status_[r].stop = code;
      }
    }
  }

  Dump& dump_;
  std::span<const BatchRead> reads_;
  std::span<uint8_t> out_;
  std::span<BatchReadStatus> status_;
  uint64_t file_size_;
  bool viewable_;
  std::vector<uint32_t> offsets_;  // of each read in out
  std::vector<Piece> pieces_;
  uint64_t piece_count_ = 0;
  std::unique_ptr<uint8_t[]> scratch_;  // one chunk, allocated when two pieces are first read together
};

// Plans one physical read, page by page as Dump::read_physical reads it.
BatchReadStatus plan_physical(Planner& planner, const BatchRead& r, uint32_t out_offset) {
  BatchReadStatus s;
  while (s.done < r.length) {
    const uint64_t cur = r.address + s.done;
    ErrorCode why;
    if (cur < r.address) {  // wrapped past the top of the address space
      s.stop = ErrorCode::PageNotInDump;
      break;
    }
    const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(r.length - s.done, kPageSize - (cur & 0xfff)));
    if (!planner.add_physical(cur, out_offset + s.done, n, &why)) {
      s.stop = why;
      break;
    }
    s.done += n;
  }
  return s;
}

// Plans one virtual read, page by page as VirtualReader::read reads it.
BatchReadStatus plan_virtual(Planner& planner, VirtualReader& space, const BatchRead& r, uint32_t out_offset) {
  BatchReadStatus s;
  while (s.done < r.length) {
    const uint64_t cur = r.address + s.done;
    if (cur < r.address) {  // wrapped past 2^64
      s.stop = ErrorCode::InvalidArgument;
      break;
    }
    auto t = space.translate(Gva(cur));
    if (!t.ok()) {
      s.stop = t.error().code;
      break;
    }
    // One 4 KiB page at a time: a large page is stored as 4 KiB pages that may be missing one by one.
    const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(r.length - s.done, kPageSize - (cur & 0xfff)));
    ErrorCode why;
    if (!planner.add_physical(t->gpa.value, out_offset + s.done, n, &why)) {
      s.stop = why;
      break;
    }
    s.done += n;
  }
  return s;
}

// A triage dump's regions only read exactly: on failure, `where` is the first byte they could not read, so read
// again up to it (as the wasm readVirtual does).
BatchReadStatus read_exact_prefix(VirtualMemory& memory, const BatchRead& r, std::span<uint8_t> out) {
  BatchReadStatus s;
  if (r.length == 0) return s;
  auto status = memory.read_virtual_exact(Gva(r.address), out);
  if (status.ok()) {
    s.done = r.length;
    return s;
  }
  s.stop = status.error().code;
  const uint64_t where = status.error().where;
  if (where <= r.address || where - r.address >= r.length) return s;
  const auto readable = static_cast<uint32_t>(where - r.address);
  if (memory.read_virtual_exact(Gva(r.address), out.first(readable)).ok()) s.done = readable;
  return s;
}

}  // namespace

Result<size_t> batch_bytes(std::span<const BatchRead> reads) {
  if (reads.size() > kBatchMaxReads) {
    return make_error(ErrorCode::InvalidArgument, "a batch holds at most " + std::to_string(kBatchMaxReads) +
                                                      " reads, not " + std::to_string(reads.size()));
  }
  uint64_t total = 0;
  for (const BatchRead& r : reads) total += r.length;  // at most 2^18 * 2^32: no overflow
  if (total > kBatchMaxBytes) {
    return make_error(ErrorCode::InvalidArgument, "a batch reads at most " + std::to_string(kBatchMaxBytes) +
                                                      " bytes, these reads ask for " + std::to_string(total));
  }
  return static_cast<size_t>(total);
}

Status read_physical_batch(Dump& dump, std::span<const BatchRead> reads, std::span<uint8_t> out,
                           std::span<BatchReadStatus> status, BatchStats* stats) {
  auto ok = check_batch(reads, out, status);
  if (!ok.ok()) return ok;
  if (!dump.has_physical_memory()) {
    for (size_t i = 0; i < reads.size(); ++i) {
      status[i] = BatchReadStatus{};
      if (reads[i].length != 0) status[i].stop = ErrorCode::Unsupported;
    }
    return Ok{};
  }
  Planner planner(dump, reads, out, status);
  for (size_t i = 0; i < reads.size(); ++i) status[i] = plan_physical(planner, reads[i], planner.offset_of(i));
  BatchStats local;
  planner.run(stats ? *stats : local);
  return Ok{};
}

Status read_virtual_batch(Dump& dump, VirtualMemory& memory, std::span<const BatchRead> reads,
                          std::span<uint8_t> out, std::span<BatchReadStatus> status, BatchStats* stats) {
  auto ok = check_batch(reads, out, status);
  if (!ok.ok()) return ok;
  auto* space = dynamic_cast<VirtualReader*>(&memory);
  if (!space) {
    size_t offset = 0;
    for (size_t i = 0; i < reads.size(); ++i) {
      status[i] = read_exact_prefix(memory, reads[i], out.subspan(offset, reads[i].length));
      offset += reads[i].length;
    }
    return Ok{};
  }
  Planner planner(dump, reads, out, status);
  // Walk the page tables in address order: reads under one page table then follow each other, so each table page
  // comes into the block cache once per batch instead of once per read (a random batch over 1 GiB of 4 KiB pages
  // needs 512 of them, more than the cache may hold).
  std::vector<uint32_t> order(reads.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return reads[a].address < reads[b].address; });
  for (uint32_t i : order) status[i] = plan_virtual(planner, *space, reads[i], planner.offset_of(i));
  BatchStats local;
  planner.run(stats ? *stats : local);
  return Ok{};
}

}  // namespace kdmp
