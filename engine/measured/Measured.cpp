#include "measured/Measured.h"

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <tuple>

namespace bs {

namespace {

constexpr std::size_t kMaxFileBytes = 64u << 20;
constexpr std::size_t kMaxRows = 1'000'000;

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r");
    if (a == std::string::npos) return {};
    const auto b = s.find_last_not_of(" \t\r");
    return s.substr(a, b - a + 1);
}

/// One CSV record (RFC 4180 quoting, no line breaks inside fields).
std::vector<std::string> splitCsv(const std::string& line, const std::string& where) {
    std::vector<std::string> out;
    std::string field;
    bool quoted = false, wasQuoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"' && trim(field).empty()) {
            quoted = wasQuoted = true;
            field.clear();
        } else if (c == ',') {
            out.push_back(wasQuoted ? field : trim(field));
            field.clear();
            wasQuoted = false;
        } else {
            field += c;
        }
    }
    if (quoted) throw MeasuredError(where + ": unterminated quoted field");
    out.push_back(wasQuoted ? field : trim(field));
    return out;
}

double number(const std::string& text, const std::string& where, const std::string& column) {
    const std::optional<double> v = parseNumber(text);
    if (!v) throw MeasuredError(where + ": " + column + ": '" + text + "' is not a number");
    return *v;
}

int integer(const std::string& text, const std::string& where, const std::string& column, int max) {
    const double v = number(text, where, column);
    if (v != std::floor(v) || v < 1 || v > max)
        throw MeasuredError(where + ": " + column + ": '" + text + "' is not an integer from 1 to " +
                            std::to_string(max));
    return static_cast<int>(v);
}

double positive(double v, const std::string& where, const std::string& column) {
    if (!(v > 0)) throw MeasuredError(where + ": " + column + ": must be > 0");
    return v;
}

/// A row before aggregation: keys, batch, latency (s), optional energy (J per inference).
struct Row {
    MeasuredPoint p;
};

/// Columns or JSON keys, by what they mean.
enum class Field {
    Batch,
    Latency,
    Throughput,
    Energy,
    Power,
    Model,
    Hardware,
    Runtime,
    Params,
    Precision,
    Seq,
    Resolution,
    InputLen,
    OutputLen,
    Weights,
    Kv,
    GroupSize,
    Tp,
    Note
};

struct Alias {
    const char* name;
    Field field;
    double scale; ///< to seconds / joules (time and energy), else 1
};
constexpr Alias kAliases[] = {
    {"batch", Field::Batch, 1},
    {"batch_size", Field::Batch, 1},
    {"bs", Field::Batch, 1},
    {"latency_ms", Field::Latency, 1e-3},
    {"forward_ms", Field::Latency, 1e-3},
    {"forward_pass_ms", Field::Latency, 1e-3},
    {"forward_time_ms", Field::Latency, 1e-3},
    {"time_ms", Field::Latency, 1e-3},
    {"latency_s", Field::Latency, 1},
    {"forward_s", Field::Latency, 1},
    {"forward_time_s", Field::Latency, 1},
    {"time_s", Field::Latency, 1},
    {"throughput_per_s", Field::Throughput, 1},
    {"throughput", Field::Throughput, 1},
    {"energy_mj", Field::Energy, 1e-3},
    {"energy_j", Field::Energy, 1},
    {"power_w", Field::Power, 1},
    {"model", Field::Model, 1},
    {"hardware", Field::Hardware, 1},
    {"runtime", Field::Runtime, 1},
    {"params", Field::Params, 1},
    {"source", Field::Note, 1},
    {"covers", Field::Note, 1},
    {"precision", Field::Precision, 1},
    {"dtype", Field::Precision, 1},
    {"seq", Field::Seq, 1},
    {"seq_len", Field::Seq, 1},
    {"sequence_length", Field::Seq, 1},
    {"resolution", Field::Resolution, 1},
    {"input_len", Field::InputLen, 1},
    {"input_tokens", Field::InputLen, 1},
    {"output_len", Field::OutputLen, 1},
    {"output_tokens", Field::OutputLen, 1},
    {"weights", Field::Weights, 1},
    {"kv", Field::Kv, 1},
    {"group_size", Field::GroupSize, 1},
    {"tp", Field::Tp, 1},
    {"tensor_parallel", Field::Tp, 1},
};

const Alias* alias(const std::string& key) {
    const std::string k = lower(key);
    for (const Alias& a : kAliases)
        if (k == a.name) return &a;
    return nullptr;
}

/// Builds a point from (alias, text) pairs of one row.
MeasuredPoint makePoint(const std::vector<std::pair<const Alias*, std::string>>& cells,
                        const std::string& where, int line) {
    MeasuredPoint p;
    p.line = line;
    bool haveBatch = false;
    std::optional<double> latency, throughput;
    for (const auto& [a, text] : cells) {
        if (text.empty()) continue; // an empty optional cell
        switch (a->field) {
        case Field::Batch:
            p.batch = integer(text, where, a->name, 1'000'000);
            haveBatch = true;
            break;
        case Field::Latency:
            latency = positive(number(text, where, a->name), where, a->name) * a->scale;
            break;
        case Field::Throughput:
            throughput = positive(number(text, where, a->name), where, a->name);
            break;
        case Field::Energy:
            p.energy_j = positive(number(text, where, a->name), where, a->name) * a->scale;
            break;
        case Field::Power:
            p.power_w = positive(number(text, where, a->name), where, a->name);
            break;
        case Field::Model:
            p.model = text;
            break;
        case Field::Hardware:
            p.hardware = text;
            break;
        case Field::Runtime:
            p.runtime = text;
            break;
        case Field::Params:
            try {
                parseParams(text); // a malformed cell is the file's error, named by line
            } catch (const MeasuredError& e) {
                throw MeasuredError(where + ": " + e.what());
            }
            p.params = text;
            break;
        case Field::Note:
            break;
        case Field::Precision:
            p.precision = lower(text);
            break;
        case Field::Seq:
            p.seq = integer(text, where, a->name, 1'000'000);
            break;
        case Field::Resolution:
            p.resolution = integer(text, where, a->name, 1'000'000);
            break;
        case Field::InputLen:
            p.inputLen = integer(text, where, a->name, 1'000'000);
            break;
        case Field::OutputLen:
            p.outputLen = integer(text, where, a->name, 1'000'000);
            break;
        case Field::Weights:
            p.weights = lower(text);
            break;
        case Field::Kv:
            p.kv = lower(text);
            break;
        case Field::GroupSize:
            p.groupSize = integer(text, where, a->name, 65536);
            break;
        case Field::Tp:
            p.tp = integer(text, where, a->name, 64);
            break;
        }
    }
    if (p.inputLen.has_value() != p.outputLen.has_value())
        throw MeasuredError(where + ": a generation row needs both input_len and output_len");
    if (!haveBatch) throw MeasuredError(where + ": batch is missing");
    if (!latency && !throughput)
        throw MeasuredError(where + ": neither latency_ms nor throughput_per_s is given");
    p.latency_s = latency ? *latency : p.batch / *throughput;
    // Scaled to seconds, a tiny value can underflow and a huge one overflow: keep to what a timer
    // can measure.
    if (!(p.latency_s >= 1e-9 && p.latency_s <= 1e6))
        throw MeasuredError(where + ": " + (latency ? "latency" : "throughput_per_s") +
                            ": a batch time outside 1 ns to 10^6 s");
    if (p.energy_j && (!(*p.energy_j > 0) || !std::isfinite(*p.energy_j)))
        throw MeasuredError(where + ": energy: out of range");
    if (p.power_w && !std::isfinite(*p.power_w)) throw MeasuredError(where + ": power_w: out of range");
    if (latency && throughput) {
        const double implied = p.batch / *throughput;
        if (std::abs(implied / *latency - 1) > 0.05)
            throw MeasuredError(where + ": latency_ms and throughput_per_s disagree (batch ÷ throughput = " +
                                std::to_string(implied * 1e3) + " ms)");
    }
    return p;
}

auto keyOf(const MeasuredPoint& p) {
    return std::make_tuple(p.model, p.hardware, p.runtime, p.params, p.precision, p.seq.value_or(0),
                           p.resolution.value_or(0), p.inputLen.value_or(0), p.outputLen.value_or(0),
                           p.weights, p.kv, p.groupSize.value_or(0), p.tp.value_or(1), p.batch);
}

/// Repeated runs of one point become their median.
std::vector<MeasuredPoint> aggregate(std::vector<MeasuredPoint> rows) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const MeasuredPoint& a, const MeasuredPoint& b) { return keyOf(a) < keyOf(b); });
    std::vector<MeasuredPoint> out;
    for (std::size_t i = 0; i < rows.size();) {
        std::size_t j = i;
        std::vector<double> lat, energy, power;
        while (j < rows.size() && keyOf(rows[j]) == keyOf(rows[i])) {
            lat.push_back(rows[j].latency_s);
            if (rows[j].energy_j) energy.push_back(*rows[j].energy_j);
            if (rows[j].power_w) power.push_back(*rows[j].power_w);
            ++j;
        }
        MeasuredPoint p = rows[i];
        p.latency_s = median(lat);
        p.energy_j = energy.empty() ? std::nullopt : std::optional<double>(median(energy));
        p.power_w = power.empty() ? std::nullopt : std::optional<double>(median(power));
        p.runs = static_cast<int>(j - i);
        out.push_back(std::move(p));
        i = j;
    }
    return out;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto nl = text.find('\n', start);
        out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

} // namespace

std::optional<double> parseNumber(const std::string& text) {
    std::string t = text;
    if (!t.empty() && t.front() == '+') t.erase(0, 1);
    double v = 0;
    const char* end = t.data() + t.size();
    const auto [ptr, ec] = std::from_chars(t.data(), end, v);
    if (t.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

namespace {

using Cells = std::vector<std::pair<const Alias*, std::string>>;
using Columns = std::vector<std::pair<const Alias*, std::size_t>>; // CSV: alias of each used column

// The CSV header: which known column is where (two columns may not say the same thing), and it
// needs a batch and a time column. Unknown columns become warnings.
Columns readHeader(const std::string& line, const std::string& where, std::size_t* width, MeasuredSet& set) {
    const std::vector<std::string> names = splitCsv(line, where);
    *width = names.size();
    Columns columns;
    std::vector<std::string> unknown;
    for (std::size_t c = 0; c < names.size(); ++c) {
        if (const Alias* a = alias(names[c])) {
            for (const auto& [other, at] : columns)
                if (other->field == a->field && a->field != Field::Note)
                    throw MeasuredError(where + ": columns '" + names[at] + "' and '" + names[c] +
                                        "' say the same thing");
            columns.emplace_back(a, c);
        } else {
            unknown.push_back(names[c]);
        }
    }
    bool batch = false, time = false;
    for (const auto& [a, at] : columns) {
        batch = batch || a->field == Field::Batch;
        time = time || a->field == Field::Latency || a->field == Field::Throughput;
    }
    if (!batch || !time)
        throw MeasuredError(where + ": the header needs a batch column and latency_ms or "
                                    "throughput_per_s (see docs/MEASURED.md)");
    for (const std::string& u : unknown)
        set.warnings.push_back(where + ": column '" + u + "' is not used");
    return columns;
}

Cells csvCells(const std::string& line, const std::string& where, std::size_t width, const Columns& columns) {
    const std::vector<std::string> f = splitCsv(line, where);
    if (f.size() != width)
        throw MeasuredError(where + ": " + std::to_string(f.size()) + " fields, the header has " +
                            std::to_string(width));
    Cells cells;
    for (const auto& [a, at] : columns)
        cells.emplace_back(a, f[at]);
    return cells;
}

// One JSON-lines object: the known keys (profilers write much more than we need), numbers or text.
Cells jsonCells(const std::string& line, const std::string& where) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(line), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        throw MeasuredError(where + ": not a JSON object" +
                            (err.error != QJsonParseError::NoError
                                 ? " (" + err.errorString().toStdString() + ")"
                                 : std::string()));
    const QJsonObject o = doc.object();
    Cells cells;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const Alias* a = alias(it.key().toStdString());
        if (!a) continue;
        const QJsonValue v = it.value();
        if (v.isNull()) continue; // an absent value
        std::string textValue;
        if (v.isDouble())
            textValue = QString::number(v.toDouble(), 'g', 17).toStdString();
        else if (v.isString())
            textValue = v.toString().toStdString();
        else
            throw MeasuredError(where + ": " + it.key().toStdString() + ": not a number or a string");
        for (const auto& [other, text] : cells)
            if (other->field == a->field && !textValue.empty())
                throw MeasuredError(where + ": keys '" + other->name + "' and '" + a->name +
                                    "' say the same thing");
        cells.emplace_back(a, textValue);
    }
    return cells;
}

} // namespace

MeasuredSet parseMeasured(const std::string& text, const std::string& file) {
    if (text.size() > kMaxFileBytes)
        throw MeasuredError(file + ": larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB");
    MeasuredSet set;
    set.file = file;
    // A UTF-8 byte-order mark (spreadsheets write one) is not part of the first column's name.
    const bool bom = text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0;
    const std::vector<std::string> all = lines(bom ? text.substr(3) : text);
    std::vector<MeasuredPoint> rows;
    Columns columns;
    std::size_t width = 0;
    bool csv = false, json = false;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const int lineNo = static_cast<int>(i + 1);
        const std::string where = file + ": line " + std::to_string(lineNo);
        const std::string line = trim(all[i]);
        if (line.empty() || line[0] == '#') continue;
        if (rows.size() >= kMaxRows) throw MeasuredError(file + ": more than 1,000,000 rows");
        if (!csv && !json) { // the first line decides: a JSON object, or the CSV header
            json = line[0] == '{';
            csv = !json;
            if (csv) {
                columns = readHeader(line, where, &width, set);
                continue;
            }
        }
        const Cells cells = csv ? csvCells(line, where, width, columns) : jsonCells(line, where);
        rows.push_back(makePoint(cells, where, lineNo));
    }
    if (rows.empty()) throw MeasuredError(file + ": no measured points (see docs/MEASURED.md)");
    set.points = aggregate(std::move(rows));
    return set;
}

MeasuredSet readMeasuredFile(const std::string& path) {
    QFile f(QString::fromStdString(path));
    if (!f.open(QIODevice::ReadOnly)) throw MeasuredError(path + ": " + f.errorString().toStdString());
    if (static_cast<std::size_t>(f.size()) > kMaxFileBytes)
        throw MeasuredError(path + ": larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB");
    return parseMeasured(f.readAll().toStdString(), path);
}

std::vector<std::pair<std::string, std::string>> parseParams(const std::string& params) {
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t from = 0;
    while (from <= params.size()) {
        const std::size_t end = std::min(params.find(';', from), params.size());
        const std::string kv = trim(params.substr(from, end - from));
        from = end + 1;
        if (kv.empty()) continue;
        const std::size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw MeasuredError("params: '" + kv + "' is not name=value");
        out.emplace_back(trim(kv.substr(0, eq)), trim(kv.substr(eq + 1)));
    }
    return out;
}

} // namespace bs
