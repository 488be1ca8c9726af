// The seam between the physical-memory index (physmem) and the page-table walkers (paging): a walker only needs
// to read exact bytes of physical memory and to learn why it could not.
#pragma once
#include <span>

#include "kdmp/address.hpp"
#include "kdmp/result.hpp"

namespace kdmp {

class PhysicalReader {
 public:
  virtual ~PhysicalReader() = default;
  // Reads exactly out.size() bytes at gpa (may cross pages), or fails with PageNotInDump (the page is not stored:
  // `where` = the first missing physical address) or FileEndsEarly (stored past the end of a truncated file).
  virtual Status read_physical_exact(Gpa gpa, std::span<uint8_t> out) = 0;
};

}  // namespace kdmp
