// Something worth telling the user that did not stop the dump from opening.
#pragma once
#include <string>

namespace kdmp {

struct Warning {
  std::string code;     // stable, kebab-case: "file-truncated", "pages-truncated", ...
  std::string message;  // plain words, naming offsets
};

}  // namespace kdmp
