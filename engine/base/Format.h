#pragma once
// How numbers read everywhere (charts, layer table, report, CLI text, preset sources): SI prefixes,
// times, percentages, fixed decimals. One module so that the same value reads the same in every
// view; no widget code, so headless commands use it without Qt Charts. (A layer's bound reads
// through boundLabel/boundName beside the Bound type, eval/Evaluator.h.)
#include <QString>
#include <string>
#include <string_view>

namespace bs {

/// "989 TFLOP/s", "3.35 TB/s", "12.5 M" (empty unit): `digits` significant digits, k..E or m..p.
QString formatSi(double value, const QString& unit, int digits = 3);
/// Plain number with about three significant digits and no exponent below 1e6 ("295", "12.5",
/// "0.0420"); SI prefixes above.
QString formatNumber(double value);
/// "12.3 ms", "450 µs", "1.20 s".
QString formatSeconds(double seconds);
/// "53 %", "5.3 %": one decimal below 10 % so that a small share does not read as zero, plus
/// `extraDecimals` where a table needs finer steps ("53.1 %", "5.27 %").
QString formatPercent(double fraction, int extraDecimals = 0);
/// Engine text (UTF-8 std::string) as a QString.
inline QString qs(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
/// `v` with exactly `digits` decimals ("3.350"), for text that records a measurement.
std::string formatFixed(double v, int digits);

} // namespace bs
