// The one atomic writer (AtomicWrite.h): a complete write replaces the file; a failed content
// writer, an interrupted commit or an unwritable place leaves the previous file as it was, with a
// message naming the file, and no temporary file behind.
#include "base/AtomicWrite.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace bs;

namespace {
QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TstAtomicWrite : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString path() const { return tmp_.filePath(QStringLiteral("out.txt")); }

  private slots:
    void init() {
        QVERIFY(tmp_.isValid());
        QString error;
        QVERIFY2(writeFileAtomically(path(), QByteArray("old"), &error), qPrintable(error));
        QCOMPARE(readAll(path()), QByteArray("old"));
    }

    void completeWriteReplaces() {
        QString error;
        QVERIFY(writeFileAtomically(path(), QByteArray("new content"), &error));
        QCOMPARE(readAll(path()), QByteArray("new content"));
        QVERIFY(error.isEmpty());
    }

    void failedContentKeepsThePreviousFile() {
        QString error;
        const auto write = [](QIODevice& f) {
            f.write("half");
            return QStringLiteral("encoder failed");
        };
        QVERIFY(!writeFileAtomically(path(), write, &error));
        QCOMPARE(error, QStringLiteral("cannot write %1: encoder failed").arg(path()));
        QCOMPARE(readAll(path()), QByteArray("old"));
        QCOMPARE(QDir(tmp_.path()).entryList(QDir::Files), QStringList{QStringLiteral("out.txt")});
    }

    void interruptedCommitKeepsThePreviousFile() {
        QString error;
        bool ran = false;
        const auto crash = [&](QIODevice&) {
            ran = true;
            return false;
        };
        QVERIFY(!writeFileAtomically(path(), QByteArray("new"), &error, crash));
        QVERIFY(ran);
        QVERIFY2(error.contains(path()) && error.contains(QStringLiteral("interrupted")), qPrintable(error));
        QCOMPARE(readAll(path()), QByteArray("old"));
        QCOMPARE(QDir(tmp_.path()).entryList(QDir::Files), QStringList{QStringLiteral("out.txt")});
    }

    void unwritablePlaceNamesTheFile() {
        const QString bad = path() + QStringLiteral("/below-a-file.txt"); // a folder that is a file
        QString error;
        QVERIFY(!writeFileAtomically(bad, QByteArray("x"), &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot write ") + bad + QStringLiteral(": ")),
                 qPrintable(error));
        QCOMPARE(readAll(path()), QByteArray("old"));
    }
};

QTEST_GUILESS_MAIN(TstAtomicWrite)
#include "tst_atomic_write.moc"
