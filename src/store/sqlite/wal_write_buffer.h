// A SQLite VFS over the default one ("unix") that writes a transaction's WAL frames with
// one system call instead of two per page.
//
// SQLite writes each WAL frame as two pwrite calls (its 24-byte header, then the page), so
// a commit that changes 20 pages makes 40 system calls; on virtual machines, where a system
// call is expensive, that was most of a small transaction's cost. Through this VFS, writes
// to a WAL file that follow each other are kept in memory and written in one pwrite (one
// per 124 KB: the unix VFS writes no more at once):
//   - when the transaction's commit frame is complete (a frame header whose "database size
//     after commit" field is set, then its page): inside that xWrite, so a failure
//     (SQLITE_FULL, SQLITE_IOERR) is returned to SQLite, which rolls the transaction back,
//     exactly as if the write had failed unbuffered;
//   - before anything that reads, syncs, sizes, truncates or locks the WAL, before a write
//     that does not follow the last one, and past 4 MB (a frame SQLite writes again, below
//     what this handle appended, goes straight to the file);
//   - before every wal-index (shared memory) operation on the database file of the same
//     connection, so no other connection can see a frame that is not in the file yet.
// A crash loses only frames of a transaction that was not committed: the same as a crash
// between SQLite's own writes. Database files, journals and temp files are not buffered.
#pragma once

#include <cstdint>

namespace cue::store {

// Registers the VFS (once; not as the default) and returns its name for sqlite3_open_v2.
const char* walWriteBufferVfs();

// Writes this VFS has made to WAL files since the process started (for tests and
// benchmarks: a commit through it is one write per 124 KB).
uint64_t walWriteBufferWrites();

}  // namespace cue::store
