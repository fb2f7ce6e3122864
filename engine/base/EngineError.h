#pragma once
// Errors the engine reports to the user (bad scenario, unsupported precision, ...). The message
// is complete and one line: front ends print it as is.
#include <QString>
#include <stdexcept>

namespace bs {

class EngineError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A file that cannot be read (a session, a scenario's JSON): the message names the file and,
/// where one is at fault, the field ("s.batchscope: scenarios[2].precision: 'fp12' is not a
/// precision (fp32, ...)").
class FileError : public EngineError {
  public:
    explicit FileError(const QString& message) : EngineError(message.toStdString()), message_(message) {}
    const QString& message() const { return message_; }

  private:
    QString message_;
};

} // namespace bs
