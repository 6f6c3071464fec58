// FileSpool's journal: torn records dropped, the older one-file-per-entry layout taken in,
// rewrites that keep what is live, several instances on one directory, the directory held
// by one process. Real files in a temp directory; no processes, no sockets.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "rqd/spool.h"
#include "rqd/sys_util.h"
#include "rqd/test_util.h"

namespace cue::rqd {
namespace {

int64_t fileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

void appendBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::app | std::ios::binary) << bytes;
}

// What another process finds: the file at `path` locked (an flock through a new open file
// description conflicts with this process's own as it would with another's).
bool lockedForOthers(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

TEST(SpoolJournalTest, ARecordTornByACrashIsDroppedAndLaterWritesStillCount) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  {
    FileSpool spool(d);
    ASSERT_TRUE(spool.init().ok());
    ASSERT_TRUE(spool.put("a", "alpha").ok());
    ASSERT_TRUE(spool.put("b", "beta").ok());
    ASSERT_TRUE(spool.remove("a").ok());
  }
  const int64_t whole = fileSize(d + "/journal");
  // A crash in the middle of the next record: its header and half its body.
  appendBytes(d + "/journal", "P 1 9 0123456789abcdef\nc0123");

  FileSpool again(d);
  ASSERT_TRUE(again.init().ok());
  EXPECT_EQ(fileSize(d + "/journal"), whole);  // the torn tail is cut off
  ASSERT_TRUE(again.put("d", "delta").ok());
  auto all = again.loadAll();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0], (std::pair<std::string, std::string>("b", "beta")));
  EXPECT_EQ(all[1], (std::pair<std::string, std::string>("d", "delta")));
}

// Journals written by earlier versions must still read: the record's bytes never change.
TEST(SpoolJournalTest, ARecordIsWrittenByteForByteAsEver) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  FileSpool spool(d, /*sync=*/false);
  ASSERT_TRUE(spool.init().ok());
  ASSERT_TRUE(spool.put("k", "v").ok());
  // op, key and data lengths, FNV-1a 64 of "Pkv" as 16 lowercase hex digits; key, data
  EXPECT_EQ(testing::slurp(d + "/journal"), "P 1 1 8db18e19f412eb6e\nkv\n");
}

TEST(SpoolJournalTest, ARecordWithABadChecksumEndsTheJournal) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  FileSpool spool(d);
  ASSERT_TRUE(spool.init().ok());
  ASSERT_TRUE(spool.put("a", "alpha").ok());
  appendBytes(d + "/journal", "P 1 4 0000000000000000\nbbeta\n");  // whole, but wrong sum
  auto all = spool.loadAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].first, "a");
}

TEST(SpoolJournalTest, EntriesOfTheOneFilePerEntryLayoutJoinTheJournal) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  ASSERT_TRUE(makeDirs(d, 0700).ok());
  ASSERT_TRUE(writeFileAtomic(d + "/" + FileSpool::fileNameFor("frame/1"), "one").ok());
  ASSERT_TRUE(writeFileAtomic(d + "/frame-2.entry.tmp.77", "never renamed").ok());

  FileSpool spool(d);
  ASSERT_TRUE(spool.init().ok());
  auto all = spool.loadAll();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0], (std::pair<std::string, std::string>("frame/1", "one")));
  auto names = listDir(d);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::vector<std::string>{"journal"});
  ASSERT_TRUE(spool.remove("frame/1").ok());
  EXPECT_TRUE(spool.loadAll().empty());
}

TEST(SpoolJournalTest, TheJournalIsRewrittenWithWhatIsLiveAndOtherInstancesFollow) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  FileSpool writer(d, /*sync=*/false);
  FileSpool other(d, /*sync=*/false);  // opened before the rewrites
  ASSERT_TRUE(writer.init().ok());
  ASSERT_TRUE(other.init().ok());
  ASSERT_TRUE(other.put("kept", "from the other instance").ok());
  const std::string payload(1000, 'x');
  int64_t largest = 0;
  for (int i = 0; i < 2000; ++i) {  // ~2 MB written, nearly all of it removed again
    const std::string key = "frame-" + std::to_string(i);
    ASSERT_TRUE(writer.put(key, payload).ok());
    if (i % 100 != 0) {
      ASSERT_TRUE(writer.remove(key).ok());
    }
    largest = std::max(largest, fileSize(d + "/journal"));
  }
  EXPECT_LT(largest, 2 * FileSpool::kRewriteBytes);
  EXPECT_TRUE(lockedForOthers(d + "/journal"));  // the rewritten journal is held as well
  ASSERT_TRUE(other.put("late", "after the rewrites").ok());  // lands in the current journal
  auto all = writer.loadAll();
  ASSERT_EQ(all.size(), 22u);  // frame-0, -100, ... -1900, kept, late
  std::map<std::string, std::string> byKey(all.begin(), all.end());
  EXPECT_EQ(byKey["kept"], "from the other instance");
  EXPECT_EQ(byKey["late"], "after the rewrites");
  EXPECT_EQ(byKey["frame-1900"], payload);
  EXPECT_EQ(byKey.count("frame-1901"), 0u);
}

TEST(SpoolJournalTest, AProcessHoldsTheDirectoryUntilItsLastSpoolOnItIsGone) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  {
    auto first = std::make_unique<FileSpool>(d, /*sync=*/false);
    ASSERT_TRUE(first->init().ok());
    EXPECT_TRUE(lockedForOthers(d + "/journal"));
    FileSpool second(d, /*sync=*/false);  // the same process: shares the journal, no wait
    ASSERT_TRUE(second.init().ok());
    ASSERT_TRUE(first->put("a", "from the first").ok());
    first.reset();
    EXPECT_TRUE(lockedForOthers(d + "/journal"));
    ASSERT_TRUE(second.put("b", "from the second").ok());
  }
  EXPECT_FALSE(lockedForOthers(d + "/journal"));  // for the next rqd
  FileSpool next(d, /*sync=*/false);
  ASSERT_TRUE(next.init().ok());
  EXPECT_EQ(next.loadAll().size(), 2u);
}

// Completions piling up while cuebot is away: nothing to gain by rewriting, so the journal
// is appended to as it is.
TEST(SpoolJournalTest, AJournalThatIsMostlyLiveIsNotRewritten) {
  testing::TempDir dir;
  const std::string d = dir.file("spool");
  FileSpool spool(d, /*sync=*/false);
  ASSERT_TRUE(spool.init().ok());
  ASSERT_TRUE(spool.put("frame-0", "first").ok());
  struct stat first {};
  ASSERT_EQ(::stat((d + "/journal").c_str(), &first), 0);
  const std::string payload(1000, 'y');
  for (int i = 1; i <= 600; ++i) {
    ASSERT_TRUE(spool.put("frame-" + std::to_string(i), payload).ok());
  }
  struct stat last {};
  ASSERT_EQ(::stat((d + "/journal").c_str(), &last), 0);
  EXPECT_EQ(last.st_ino, first.st_ino);
  EXPECT_GT(last.st_size, 2 * FileSpool::kRewriteBytes);
  EXPECT_EQ(spool.loadAll().size(), 601u);
}

}  // namespace
}  // namespace cue::rqd
