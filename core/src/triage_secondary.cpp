// The secondary dump data of a triage dump (ntiodump.h's DUMP_BLOB_FILE_HEADER and DUMP_BLOB_HEADER): a chain of
// tagged blobs from SizeOfDump to the end of the file. Walking it tells a complete file from a cut one, which
// RequiredDumpSpace (a reservation) cannot.
#include <algorithm>

#include "kdmp/le.hpp"
#include "triage_internal.hpp"

namespace kdmp::triage {

namespace {

// DUMP_BLOB_FILE_HEADER and DUMP_BLOB_HEADER fields.
constexpr size_t kFileSignature1 = 0x0, kFileSignature2 = 0x4, kFileHeaderSize = 0x8, kFileBuildNumber = 0xc;
constexpr size_t kBlobHeaderSize = 0x0, kBlobTag = 0x4, kBlobDataSize = 0x14, kBlobPrePad = 0x18,
                 kBlobPostPad = 0x1c;
// Headers have grown before; a header larger than this is not one.
constexpr uint32_t kMaxHeaderSize = 0x1000;
// Real dumps carry tens of blobs; many more only come from a hostile file.
constexpr size_t kMaxBlobs = 4096;

}  // namespace

void parse_secondary_data(Parse& p) {
  const uint64_t start = p.out.header.size_of_dump;
  if (start == 0 || start > p.file_size || p.file_size - start < kDumpBlobFileHeaderSize) return;
  uint8_t head[kDumpBlobFileHeaderSize];
  if (!p.read(start, head, "the secondary data header")) return;
  if (le::u32(head, kFileSignature1) != kDumpBlobSignature1 || le::u32(head, kFileSignature2) != kDumpBlobSignature2) {
    return;  // no secondary data: what follows SizeOfDump, if anything, is not Windows's
  }
  const uint32_t header_size = le::u32(head, kFileHeaderSize);
  if (header_size < kDumpBlobFileHeaderSize || header_size > kMaxHeaderSize || header_size > p.file_size - start) {
    p.warn("triage-secondary-data", "the secondary data at " + hex(start) + " (SizeOfDump) says its header is " +
                                        hex(header_size) + " bytes, which cannot be; its blobs are not read");
    return;
  }
  TriageSecondaryData data;
  data.offset = start;
  data.build_number = le::u32(head, kFileBuildNumber);
  data.end = start + header_size;

  uint64_t at = data.end;
  while (at < p.file_size) {
    const std::string which = "secondary data blob " + std::to_string(data.blobs.size()) + " (at " + hex(at) + ")";
    if (data.blobs.size() == kMaxBlobs) {
      p.warn("triage-count-capped", "more than " + std::to_string(kMaxBlobs) +
                                        " secondary data blobs; the rest, from " + hex(at) + ", are not read");
      break;
    }
    if (p.file_size - at < kDumpBlobHeaderSize) {
      p.warn("triage-truncated", which + ": the file ends " + hex(p.file_size - at) +
                                     " bytes into its header: the dump was cut short");
      break;
    }
    uint8_t b[kDumpBlobHeaderSize];
    if (!p.read(at, b, which)) break;
    const uint32_t size = le::u32(b, kBlobHeaderSize);
    if (size == 0) break;  // zero fill after the last blob ends the chain
    if (size < kDumpBlobHeaderSize || size > kMaxHeaderSize) {
      p.warn("triage-secondary-data", which + " has a HeaderSize of " + hex(size) +
                                          ": not a DUMP_BLOB_HEADER; the secondary data stops there");
      break;
    }
    // Four u32 sizes: no overflow in 64 bits.
    const uint64_t data_offset = at + size + le::u32(b, kBlobPrePad);
    const uint32_t data_size = le::u32(b, kBlobDataSize);
    const uint64_t next = data_offset + data_size + le::u32(b, kBlobPostPad);
    if (next > p.file_size) {
      p.warn("triage-truncated", which + " runs to " + hex(next) + " but the file ends at " + hex(p.file_size) +
                                     ": the dump was cut short");
      break;
    }
    TriageSecondaryBlob blob;
    blob.offset = at;
    std::copy_n(b + kBlobTag, blob.tag.size(), blob.tag.begin());
    blob.data_offset = data_offset;
    blob.data_size = data_size;
    data.blobs.push_back(blob);
    data.end = next;
    at = next;
  }
  p.out.secondary_data = std::move(data);
}

}  // namespace kdmp::triage
