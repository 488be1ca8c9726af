// Byte sources over a file on disk (native builds only): plain reads with pread, or a memory mapping.
#pragma once
#include <memory>
#include <string>

#include "kdmp/source.hpp"

namespace kdmp {

enum class FileReaderKind { Mmap, File };

Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path, FileReaderKind kind);

}  // namespace kdmp
