// Small RAII helpers over the SQLite C API for catalog*.cc: a prepared statement with chained
// binds, and a transaction that rolls back unless committed. Callers hold the catalogue mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace mtg::server {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
      error_ = std::string("catalogue: prepare: ") + sqlite3_errmsg(db);
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(std::string_view text) {
    if (stmt_) Check(sqlite3_bind_text(stmt_, ++index_, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Statement& Bind(const std::string& text) { return Bind(std::string_view(text)); }
  Statement& Bind(const char* text) { return Bind(std::string_view(text)); }
  Statement& Bind(int64_t value) {
    if (stmt_) Check(sqlite3_bind_int64(stmt_, ++index_, value));
    return *this;
  }
  Statement& Bind(std::optional<int64_t> value) {
    if (!value) {
      if (stmt_) Check(sqlite3_bind_null(stmt_, ++index_));
      return *this;
    }
    return Bind(*value);
  }
  Statement& Bind(std::optional<uint64_t> value) {
    if (!value) return Bind(std::optional<int64_t>());
    return Bind(static_cast<int64_t>(*value));
  }

  // true: a row is available; false: done.
  Result<bool> Step() {
    if (!error_.empty()) return Fail(ErrorCode::kIo, error_);
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Fail(ErrorCode::kIo, std::string("catalogue: ") + sqlite3_errmsg(db_));
  }
  Result<void> Run() {
    auto r = Step();
    if (!r) return std::unexpected(r.error());
    return Ok();
  }

  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  std::optional<int64_t> OptInt(int col) {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return Int(col);
  }
  std::optional<uint64_t> OptUint(int col) {
    auto v = OptInt(col);
    if (!v) return std::nullopt;
    return static_cast<uint64_t>(*v);
  }
  std::string Text(int col) {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }

 private:
  void Check(int rc) {
    if (rc != SQLITE_OK && error_.empty()) error_ = std::string("catalogue: bind: ") + sqlite3_errmsg(db_);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int index_ = 0;
  std::string error_;
};

class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    ok_ = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Transaction() {
    if (ok_ && !committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Result<void> Commit() {
    if (!ok_) return Fail(ErrorCode::kIo, std::string("catalogue: begin: ") + sqlite3_errmsg(db_));
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Fail(ErrorCode::kIo, std::string("catalogue: commit: ") + sqlite3_errmsg(db_));
    }
    committed_ = true;
    return Ok();
  }

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool committed_ = false;
};

}  // namespace mtg::server
