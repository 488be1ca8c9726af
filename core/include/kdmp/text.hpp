// Text from dumps, images and PDBs is hostile: control characters would break terminals and layouts.
#pragma once
#include <string>

namespace kdmp {

// The text with C0 control characters and DEL replaced by '?' (UTF-8 sequences pass; the viewer neutralises
// bidi controls where it lays text out).
std::string printable_text(std::string text);

}  // namespace kdmp
