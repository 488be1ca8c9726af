// An opened crash dump: the header plus everything the parser indexed at open time, and the queries on it.
// Opening never reads the dump whole: it reads the header and the index structures through the block cache.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kdmp/block_cache.hpp"
#include "kdmp/header.hpp"
#include "kdmp/result.hpp"
#include "kdmp/source.hpp"

namespace kdmp {

// Something worth telling the user that did not stop the dump from opening.
struct Warning {
  std::string code;     // stable, kebab-case: "file-truncated", ...
  std::string message;  // plain words, naming offsets
};

struct OpenOptions {
  CacheOptions cache;
};

class Dump {
 public:
  static Result<Dump> open(std::unique_ptr<ByteSource> source, OpenOptions options = {});

  const DumpHeader& header() const { return header_; }
  uint64_t file_size() const { return cache_->size(); }
  const std::vector<Warning>& warnings() const { return warnings_; }

  // Bytes of the dump file itself (for the file hex view); fewer than asked only at the end of the file.
  Result<size_t> read_file(uint64_t offset, std::span<uint8_t> out) { return cache_->read(offset, out); }
  BlockCache& cache() { return *cache_; }

 private:
  Dump() = default;
  std::unique_ptr<BlockCache> cache_;
  DumpHeader header_;
  std::vector<Warning> warnings_;
};

}  // namespace kdmp
