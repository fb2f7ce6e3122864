#include "base/Format.h"

#include <algorithm>
#include <cmath>

namespace bs {

QString formatSi(double value, const QString& unit, int digits) {
    const QString sep = unit.isEmpty() ? QString() : QStringLiteral(" ");
    if (!std::isfinite(value)) return QStringLiteral("∞") + sep + unit;
    if (value == 0) return QStringLiteral("0") + sep + unit;
    static const char* const kPrefix[] = {"p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E"};
    int exp3 = static_cast<int>(std::floor(std::log10(std::abs(value)) / 3.0));
    exp3 = std::clamp(exp3, -4, 6);
    double scaled = value / std::pow(1000.0, exp3);
    // Rounding can carry 999.7 up to 1000: move to the next prefix.
    const int mag = static_cast<int>(std::floor(std::log10(std::abs(scaled))));
    int decimals = std::max(0, digits - 1 - mag);
    if (std::abs(QString::number(scaled, 'f', decimals).toDouble()) >= 1000 && exp3 < 6)
        ++exp3, scaled /= 1000, decimals = std::max(0, digits - 1);
    return QString::number(scaled, 'f', decimals) + sep + QString::fromUtf8(kPrefix[exp3 + 4]) + unit;
}

QString formatNumber(double value) {
    if (!std::isfinite(value)) return QStringLiteral("∞");
    if (std::abs(value) >= 1e6) return formatSi(value, QString());
    if (value == 0) return QStringLiteral("0");
    const int mag = static_cast<int>(std::floor(std::log10(std::abs(value))));
    return QString::number(value, 'f', std::max(0, 2 - mag));
}

QString formatSeconds(double seconds) {
    return formatSi(seconds, QStringLiteral("s"));
}

QString formatPercent(double fraction, int extraDecimals) {
    const int decimals = (std::abs(fraction) < 0.1 ? 1 : 0) + extraDecimals;
    return QString::number(fraction * 100.0, 'f', decimals) + QStringLiteral(" %");
}

std::string formatFixed(double v, int digits) {
    return QString::number(v, 'f', digits).toStdString();
}

} // namespace bs
