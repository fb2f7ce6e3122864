#pragma once
// Errors the engine reports to the user (bad scenario, unsupported precision, ...). The message
// is complete and one line: front ends print it as is.
#include <stdexcept>

namespace bs {

class EngineError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace bs
