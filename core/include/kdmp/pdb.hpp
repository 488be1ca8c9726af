// A PDB (MSF 7.0) read through a ByteSource, never copied whole into memory: the superblock and stream directory at
// open, the PDB info stream (GUID, age), the DBI stream (machine, modules, section headers from the optional debug
// header). index_symbols() then walks the public symbols (S_PUB32 in the symbol record stream) and the procedures of
// every module stream (S_GPROC32 / S_LPROC32 and their _ID forms, with code lengths) one window at a time, into a
// compact SymbolTable.
//
// Every count and offset is checked against the file and the stream sizes; a broken stream is an error naming the
// stream and offset, never a crash.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kdmp/pe_image.hpp"
#include "kdmp/result.hpp"
#include "kdmp/source.hpp"
#include "kdmp/symbol_table.hpp"
#include "kdmp/warning.hpp"

namespace kdmp {

struct PdbModule {
  std::string name;      // the object file or library member ("C:\build\drv.obj")
  uint16_t stream = 0xffff;  // its symbol stream, 0xffff: none
  uint32_t symbol_bytes = 0;  // SymByteSize: the symbol records (signature included) at the stream's start
};

class Pdb {
 public:
  // Reads the superblock, the stream directory, the info stream and the DBI stream. The source is read through a
  // small block cache owned by the Pdb.
  static Result<Pdb> open(std::unique_ptr<ByteSource> source);

  const Guid& guid() const { return guid_; }
  uint32_t age() const { return age_; }          // the info stream's age
  uint32_t dbi_age() const { return dbi_age_; }  // the DBI stream's age (what an image's RSDS age matches)
  uint16_t machine() const { return machine_; }  // from the DBI header: 0x8664, 0xAA64, 0x14c; 0 when unknown
  const std::vector<PdbModule>& modules() const { return modules_; }
  const std::vector<PeSection>& sections() const { return sections_; }
  size_t stream_count() const { return streams_.size(); }
  uint32_t stream_size(size_t stream) const { return stream < streams_.size() ? streams_[stream].size : 0; }

  // The stream the DBI optional debug header names at `index` (0 old FPO, 5 section headers, 9 new FPO / frame
  // data, ...), or nothing when it is absent or nil.
  std::optional<uint16_t> debug_stream(size_t index) const;
  // The stream the info stream's named-stream map gives `name` ("/names": the string table), or nothing.
  std::optional<uint16_t> named_stream(std::string_view name) const;

  // Exactly out.size() bytes of a stream at offset (the blocks behind them read in as few source reads as they
  // allow), or an error naming the stream and offset.
  Status read_stream(size_t stream, uint32_t offset, std::span<uint8_t> out);

  // Publics and procedures as RVAs (section:offset through the DBI section headers). Warnings say which stream
  // was broken or skipped; what was read before stays.
  Result<SymbolTable> index_symbols(std::vector<Warning>* warnings = nullptr);

  // Whether this PDB belongs to the image with the given CodeView identity: the GUID and the age agree. The error
  // says both identities.
  Status matches(const CodeViewPdb& image) const;

 private:
  Pdb() = default;
  struct Stream {
    uint32_t size = 0;
    uint32_t first_block = 0;  // index into blocks_
  };
  Status read_directory(uint32_t directory_bytes, uint32_t block_map_address);
  Status read_info();
  Status read_named_streams(uint32_t at, uint32_t end);
  Status read_dbi();

  std::unique_ptr<ByteSource> source_;
  uint32_t block_size_ = 0;
  uint64_t block_count_ = 0;
  std::vector<Stream> streams_;
  std::vector<uint32_t> blocks_;  // every stream's block numbers, one after another
  Guid guid_;
  uint32_t age_ = 0, dbi_age_ = 0;
  uint16_t machine_ = 0;
  uint16_t symbol_record_stream_ = 0xffff;
  std::vector<PdbModule> modules_;
  std::vector<PeSection> sections_;
  std::vector<uint16_t> debug_streams_;                      // the DBI optional debug header
  std::vector<std::pair<std::string, uint16_t>> named_;      // the info stream's named streams
};

// The MSF 7.0 magic at the start of every PDB this reader reads.
bool is_pdb(std::span<const uint8_t> first_bytes);

}  // namespace kdmp
