// Test helper shared by the SQLite and PostgreSQL test programs: rows written through a
// RowSet and read back through inSet come back exactly as given, whatever their text holds,
// in sets large enough for PostgreSQL's arrays (kArraysFrom) and in small ones.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/sql.h"
#include "store/sql_row_set.h"

namespace cue::store::sql_util {

inline void expectRowSetRoundTrip(SqlConnection& db) {
  ASSERT_TRUE(db.execScript("CREATE TABLE row_set_t (id TEXT PRIMARY KEY, n BIGINT, note TEXT)")
                  .ok());
  // Text that an array literal must quote or escape: quotes, backslashes, braces, commas,
  // spaces at the ends, an empty string, the word NULL, a newline, non-ASCII.
  const std::vector<std::string> ids = {
      "a\"b",        "back\\slash", "{brace},comma", " spaced ", "",     "NULL",   "new\nline",
      "caf\xc3\xa9", "plain",       "comma,",        "}",        "\\\"", "'quote'"};
  static_assert(kArraysFrom <= 13, "the set below must be large enough for arrays");
  RowSet rows(db, {"TEXT", "BIGINT", "TEXT"});
  for (size_t k = 0; k < ids.size(); ++k) {
    SqlValue note = k == 4 ? SqlValue() : SqlValue(ids[k] + "!");  // one NULL
    rows.add(SqlValue(ids[k]), SqlValue(static_cast<int64_t>(k) * -1'000'000'000'000 + 7),
             std::move(note));
  }
  ASSERT_EQ(rows.rows(), ids.size());
  P params;
  const std::string insert = "INSERT INTO row_set_t (id, n, note) " + rows.sql(params);
  ASSERT_TRUE(db.begin().ok());
  auto inserted = db.exec(insert, params);
  ASSERT_TRUE(inserted.ok()) << inserted.status() << "\n" << insert;
  EXPECT_EQ(*inserted, static_cast<int64_t>(ids.size()));
  // The set is empty once written, and takes the next rows: here a small set
  // (placeholders on both backends) into the same table.
  EXPECT_EQ(rows.rows(), 0u);
  RowSet& few = rows;
  few.add(SqlValue(std::string("few \"1\"")), SqlValue(int64_t{1}), SqlValue());
  few.add(SqlValue(std::string("few {2}")), SqlValue(int64_t{2}), SqlValue(std::string("x")));
  P few_params;
  auto few_inserted = db.exec(few.insert("row_set_t (id, n, note)", "", few_params), few_params);
  ASSERT_TRUE(few_inserted.ok()) << few_inserted.status();
  EXPECT_EQ(*few_inserted, 2);
  ASSERT_TRUE(db.commit().ok());
  P few_read;
  auto few_rows = db.query("SELECT id, note FROM row_set_t WHERE " +
                               inSet(db, "id", {"few \"1\"", "few {2}"}, few_read) + " ORDER BY n",
                           few_read);
  ASSERT_TRUE(few_rows.ok()) << few_rows.status();
  ASSERT_EQ(few_rows->size(), 2u);
  EXPECT_EQ((*few_rows)[0].str(0), "few \"1\"");
  EXPECT_TRUE((*few_rows)[0].isNull(1));
  EXPECT_EQ((*few_rows)[1].str(1), "x");

  // All of them by key, and a subset: each row exactly as written.
  for (size_t take : {ids.size(), size_t{3}}) {
    std::vector<std::string> keys(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(take));
    P read_params;
    const std::string select =
        "SELECT id, n, note FROM row_set_t WHERE " + inSet(db, "id", keys, read_params) +
        " ORDER BY n DESC";
    auto read = db.query(select, read_params);
    ASSERT_TRUE(read.ok()) << read.status() << "\n" << select;
    ASSERT_EQ(read->size(), take);
    for (size_t k = 0; k < take; ++k) {
      const SqlRow& r = (*read)[k];
      EXPECT_EQ(r.str(0), ids[k]);
      EXPECT_EQ(r.i64(1), static_cast<int64_t>(k) * -1'000'000'000'000 + 7);
      if (k == 4) {
        EXPECT_TRUE(r.isNull(2));
      } else {
        EXPECT_EQ(r.str(2), ids[k] + "!");
      }
    }
  }
}

}  // namespace cue::store::sql_util
