#pragma once
// Option parsing for one command: "--key value" or "--key=value"; repeatable options collect
// every value. Unknown options and missing values throw std::runtime_error naming them.
#include <QString>
#include <QStringList>
#include <map>
#include <string>
#include <vector>

namespace bs::cli {

struct Command;

struct OptionSpec {
    const char* name; ///< without the leading dashes
    bool takesValue;
    bool repeatable;
};

class Options {
  public:
    static Options parse(const Command& cmd, const QStringList& args);
    bool help = false;
    bool has(const char* name) const { return values_.count(name) != 0; }
    /// Last value of the option, or `fallback`.
    std::string value(const char* name, const std::string& fallback = {}) const;
    std::vector<std::string> values(const char* name) const;
    /// Replaces every value of `name` with `value` (a command running one scenario per value).
    void set(const char* name, const std::string& value) { values_[name] = {value}; }
    /// Integer option ≥ 1; throws naming the option.
    int positiveInt(const char* name, int fallback) const;

  private:
    std::map<std::string, std::vector<std::string>> values_;
};

} // namespace bs::cli
