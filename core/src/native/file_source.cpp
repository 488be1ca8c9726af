#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "kdmp/native_source.hpp"

namespace kdmp {

namespace {

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, uint64_t size) : fd_(fd), size_(size) {}
  ~FileSource() override { ::close(fd_); }
  uint64_t size() const override { return size_; }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override {
    size_t done = 0;
    while (done < out.size() && offset + done < size_) {
      const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return make_error(ErrorCode::Io, std::string("read failed at ") + hex(offset + done) + ": " +
                                             std::strerror(errno),
                          offset + done);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }
  // A pread costs a system call plus about its size: random reads want small blocks, and a sequential run reads
  // ahead so that it makes few calls. A system call costs about as much as copying 16 KiB from the page cache.
  ReadHint read_hint() const override { return {4096, 256 * 1024, 16 * 1024}; }

 private:
  int fd_;
  uint64_t size_;
};

class MmapSource final : public ByteSource {
 public:
  MmapSource(void* base, uint64_t size) : base_(static_cast<const uint8_t*>(base)), size_(size) {}
  ~MmapSource() override {
    if (size_ != 0) ::munmap(const_cast<uint8_t*>(base_), size_);
  }
  uint64_t size() const override { return size_; }
  Result<size_t> read(uint64_t offset, std::span<uint8_t> out) override {
    const size_t n = clip_to(size_, offset, out.size());
    if (n != 0) std::memcpy(out.data(), base_ + offset, n);
    return n;
  }
  // Reads are served from the mapping itself: no cache, no copy for those who can take a view.
  bool can_view() const override { return true; }
  std::span<const uint8_t> view(uint64_t offset, size_t size) const override {
    const size_t n = clip_to(size_, offset, size);
    return n == 0 ? std::span<const uint8_t>{} : std::span<const uint8_t>(base_ + offset, n);
  }

 private:
  const uint8_t* base_;
  uint64_t size_;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> open_file_source(const std::string& path, FileReaderKind kind) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(ErrorCode::Io, "cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return make_error(ErrorCode::Io, "cannot stat " + path + ": " + std::strerror(err));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (kind == FileReaderKind::Mmap && size != 0) {
    void* base = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (base == MAP_FAILED) return make_error(ErrorCode::Io, "cannot map " + path + ": " + std::strerror(errno));
    return std::unique_ptr<ByteSource>(std::make_unique<MmapSource>(base, size));
  }
  return std::unique_ptr<ByteSource>(std::make_unique<FileSource>(fd, size));
}

}  // namespace kdmp
