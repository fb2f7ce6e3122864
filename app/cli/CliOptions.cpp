#include "cli/CliOptions.h"

#include "cli/Commands.h"

#include <stdexcept>

namespace bs::cli {

Options Options::parse(const Command& cmd, const QStringList& args) {
    Options o;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString a = args[i];
        if (a == QStringLiteral("--help") || a == QStringLiteral("-h")) {
            o.help = true;
            continue;
        }
        if (!a.startsWith(QStringLiteral("--"))) {
            if (!cmd.positional || o.has(cmd.positional))
                throw std::runtime_error("unexpected argument '" + a.toStdString() + "'");
            o.values_[cmd.positional].push_back(a.toStdString());
            continue;
        }
        QString key = a.mid(2), value;
        bool inlineValue = false;
        if (const qsizetype eq = key.indexOf(QLatin1Char('=')); eq >= 0) {
            value = key.mid(eq + 1);
            key = key.left(eq);
            inlineValue = true;
        }
        const OptionSpec* spec = nullptr;
        for (const OptionSpec& s : cmd.options)
            if (key == QLatin1String(s.name)) spec = &s;
        if (!spec)
            throw std::runtime_error("unknown option '--" + key.toStdString() + "' (see 'batchscope " +
                                     cmd.name + " --help')");
        if (spec->takesValue && !inlineValue) {
            if (i + 1 >= args.size())
                throw std::runtime_error("option '--" + key.toStdString() + "' needs a value");
            value = args[++i];
        }
        auto& slot = o.values_[key.toStdString()];
        if (!slot.empty() && !spec->repeatable)
            throw std::runtime_error("option '--" + key.toStdString() + "' given twice");
        slot.push_back(value.toStdString());
    }
    return o;
}

std::string Options::value(const char* name, const std::string& fallback) const {
    const auto it = values_.find(name);
    return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Options::values(const char* name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

int Options::positiveInt(const char* name, int fallback) const {
    if (!has(name)) return fallback;
    const std::string v = value(name);
    std::size_t used = 0;
    long n = 0;
    try {
        n = std::stol(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != v.size() || v.empty() || n < 1 || n > 100'000'000)
        throw std::runtime_error("--" + std::string(name) + " '" + v + "' is not a positive integer");
    return static_cast<int>(n);
}

} // namespace bs::cli
