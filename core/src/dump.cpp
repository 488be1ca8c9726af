#include "kdmp/dump.hpp"

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
  if (required != 0 && required != kPageFill64 && size < required) {
    dump.warnings_.push_back(
        {"file-truncated", "the file is " + hex(size) + " bytes but the header's RequiredDumpSpace says " +
                               hex(required) + ": the dump was cut short and pages past " + hex(size) +
                               " are missing"});
  }
  return dump;
}

}  // namespace kdmp
