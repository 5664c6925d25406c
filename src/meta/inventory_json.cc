#include "meta/inventory_json.h"

#include <array>
#include <utility>
#include <vector>

#include "meta/utf8.h"

namespace mtg::meta {
namespace {

using internal::InventoryField;
using internal::kFieldCount;
using internal::kInventoryFieldNames;

// What the lexer is in the middle of; tokens may straddle Feed calls.
enum class Lex : uint8_t { kBetween, kString, kEscape, kUnicode, kNumber, kLiteral };

// What the grammar accepts next, outside a token.
enum class Expect : uint8_t { kValue, kValueOrClose, kKey, kKeyOrClose, kColon, kCommaOrClose, kDone };

// Open containers. kTop is the inventory object, kList its ArchiveList, kItem one archive; the
// skip frames are containers inside values we ignore.
enum class Frame : uint8_t { kTop, kList, kItem, kSkipObject, kSkipArray };

// The top-level keys we read.
enum TopKey : int { kTopOther = -1, kTopArchiveList, kTopVaultArn, kTopInventoryDate };

// JSON number grammar, one state per position; kEnd means the byte is not part of the number.
enum class Num : uint8_t { kMinus, kZero, kInt, kFracStart, kFrac, kExpStart, kExpSign, kExp, kEnd };

constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }

Num NumStep(Num state, unsigned char c) {
  switch (state) {
    case Num::kMinus:
      if (c == '0') return Num::kZero;
      return IsDigit(c) ? Num::kInt : Num::kEnd;
    case Num::kZero:
      if (c == '.') return Num::kFracStart;
      return (c == 'e' || c == 'E') ? Num::kExpStart : Num::kEnd;
    case Num::kInt:
      if (IsDigit(c)) return Num::kInt;
      if (c == '.') return Num::kFracStart;
      return (c == 'e' || c == 'E') ? Num::kExpStart : Num::kEnd;
    case Num::kFracStart:
      return IsDigit(c) ? Num::kFrac : Num::kEnd;
    case Num::kFrac:
      if (IsDigit(c)) return Num::kFrac;
      return (c == 'e' || c == 'E') ? Num::kExpStart : Num::kEnd;
    case Num::kExpStart:
      if (c == '+' || c == '-') return Num::kExpSign;
      return IsDigit(c) ? Num::kExp : Num::kEnd;
    case Num::kExpSign:
    case Num::kExp:
      return IsDigit(c) ? Num::kExp : Num::kEnd;
    case Num::kEnd:
      break;
  }
  return Num::kEnd;
}

constexpr bool IsCompleteNumber(Num state) {
  return state == Num::kZero || state == Num::kInt || state == Num::kFrac || state == Num::kExp;
}

constexpr bool IsJsonSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes a string can hold as they are: printable ASCII but '"' and '\'. Everything else takes
// the slow path (end, escape, control character error, UTF-8 check).
constexpr std::array<bool, 256> MakePlainTable() {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}
constexpr std::array<bool, 256> kPlain = MakePlainTable();

int HexDigit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

class InventoryJsonParser::Impl {
 public:
  explicit Impl(InventorySink sink) : sink_(std::move(sink)) { stack_.reserve(16); }

  Result<void> Feed(std::string_view bytes) {
    if (failed_) return Fail(error_);
    if (finished_) return Fault(0, "Feed after Finish");
    Result<void> r = Run(bytes);
    consumed_ += bytes.size();
    if (!r) Remember(r.error());
    return r;
  }

  Result<void> Finish() {
    if (failed_) return Fail(error_);
    finished_ = true;
    if (expect_ == Expect::kDone && lex_ == Lex::kBetween) return Ok();
    Error e = consumed_ == 0 ? Fault(0, "empty input").error()
                             : Fault(0, "unexpected end of input").error();
    Remember(e);
    return Fail(std::move(e));
  }

  const std::string& vault_arn() const { return vault_arn_; }
  const std::string& inventory_date() const { return inventory_date_; }
  uint64_t archive_count() const { return archive_count_; }

 private:
  // The error for the byte at `pos` of the current chunk, with the archive named when inside one.
  std::unexpected<Error> Fault(size_t pos, std::string_view message) const {
    std::string text = "inventory JSON at byte " + std::to_string(consumed_ + pos) + ": ";
    if (in_item_) text += "ArchiveList[" + std::to_string(archive_count_) + "]: ";
    text += message;
    return Fail(ErrorCode::kParse, std::move(text));
  }

  void Remember(const Error& e) {
    failed_ = true;
    error_ = e;
  }

  Result<void> Run(std::string_view bytes) {
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    size_t pos = 0;
    while (pos < n) {
      switch (lex_) {
        case Lex::kBetween: {
          while (pos < n && IsJsonSpace(data[pos])) ++pos;
          if (pos == n) return Ok();
          MTG_TRY_VOID(Structural(data[pos], pos));
          ++pos;
          break;
        }
        case Lex::kString: {
          if (high_surrogate_ != 0) {
            if (data[pos] != '\\') return Fault(pos, "unpaired UTF-16 surrogate in \\u escape");
          } else if (utf8_need_ == 0) {
            const size_t start = pos;
            while (pos < n && kPlain[data[pos]]) ++pos;
            if (pos > start) MTG_TRY_VOID(Append(bytes.substr(start, pos - start), start));
            if (pos == n) return Ok();
          }
          MTG_TRY_VOID(StringByte(data[pos], pos));
          ++pos;
          break;
        }
        case Lex::kEscape:
          MTG_TRY_VOID(EscapeByte(data[pos], pos));
          ++pos;
          break;
        case Lex::kUnicode:
          MTG_TRY_VOID(UnicodeByte(data[pos], pos));
          ++pos;
          break;
        case Lex::kNumber: {
          const size_t start = pos;
          while (pos < n) {
            const Num next = NumStep(num_, data[pos]);
            if (next == Num::kEnd) break;
            num_ = next;
            ++pos;
          }
          if (pos > start) MTG_TRY_VOID(Append(bytes.substr(start, pos - start), start));
          if (pos == n) return Ok();
          // The byte after the number is not consumed: it is punctuation or an error.
          if (!IsCompleteNumber(num_)) return Fault(pos, "malformed number");
          lex_ = Lex::kBetween;
          EndValue();
          break;
        }
        case Lex::kLiteral:
          if (data[pos] != literal_[literal_pos_]) return Fault(pos, "malformed literal (true, false or null expected)");
          ++pos;
          if (++literal_pos_ == literal_.size()) {
            lex_ = Lex::kBetween;
            EndValue();
          }
          break;
      }
    }
    return Ok();
  }

  // ---- Grammar ----

  Result<void> Structural(unsigned char c, size_t pos) {
    switch (expect_) {
      case Expect::kDone:
        return Fault(pos, "unexpected data after the inventory object");
      case Expect::kColon:
        if (c != ':') return Fault(pos, "':' expected after a key");
        expect_ = Expect::kValue;
        return Ok();
      case Expect::kKey:
      case Expect::kKeyOrClose:
        if (c == '"') return BeginKey();
        if (c == '}' && expect_ == Expect::kKeyOrClose) return CloseObject(pos);
        return Fault(pos, expect_ == Expect::kKey ? "key expected" : "key or '}' expected");
      case Expect::kCommaOrClose: {
        const bool in_object = IsObject(stack_.back());
        if (c == ',') {
          expect_ = in_object ? Expect::kKey : Expect::kValue;
          return Ok();
        }
        if (in_object && c == '}') return CloseObject(pos);
        if (!in_object && c == ']') return CloseArray();
        return Fault(pos, in_object ? "',' or '}' expected" : "',' or ']' expected");
      }
      case Expect::kValueOrClose:
        if (c == ']') return CloseArray();
        return BeginValue(c, pos);
      case Expect::kValue:
        return BeginValue(c, pos);
    }
    return Ok();
  }

  static bool IsObject(Frame f) { return f == Frame::kTop || f == Frame::kItem || f == Frame::kSkipObject; }

  Result<void> BeginKey() {
    const Frame top = stack_.back();
    lex_ = Lex::kString;
    is_key_ = true;
    if (top == Frame::kTop || top == Frame::kItem) {
      key_.clear();
      target_ = &key_;
    } else {
      target_ = nullptr;
    }
    return Ok();
  }

  void EndKey() {
    is_key_ = false;
    expect_ = Expect::kColon;
    const Frame top = stack_.back();
    if (top == Frame::kItem) {
      field_ = internal::InventoryFieldIndex(key_);
    } else if (top == Frame::kTop) {
      if (key_ == "ArchiveList") {
        top_key_ = kTopArchiveList;
      } else if (key_ == "VaultARN") {
        top_key_ = kTopVaultArn;
      } else if (key_ == "InventoryDate") {
        top_key_ = kTopInventoryDate;
      } else {
        top_key_ = kTopOther;
      }
    }
  }

  enum class Kind { kObject, kArray, kString, kNumber, kLiteral };

  Result<void> BeginValue(unsigned char c, size_t pos) {
    Kind kind;
    if (c == '{') {
      kind = Kind::kObject;
    } else if (c == '[') {
      kind = Kind::kArray;
    } else if (c == '"') {
      kind = Kind::kString;
    } else if (c == '-' || IsDigit(c)) {
      kind = Kind::kNumber;
    } else if (c == 't' || c == 'f' || c == 'n') {
      kind = Kind::kLiteral;
    } else {
      return Fault(pos, "value expected");
    }
    target_ = nullptr;
    if (stack_.empty()) {
      if (kind != Kind::kObject) return Fault(pos, "the inventory is not a JSON object");
      return Push(Frame::kTop, pos);
    }
    switch (stack_.back()) {
      case Frame::kTop:
        if (top_key_ == kTopArchiveList) {
          if (kind != Kind::kArray) return Fault(pos, "ArchiveList is not an array");
          if (seen_list_) return Fault(pos, "ArchiveList appears twice");
          seen_list_ = true;
          return Push(Frame::kList, pos);
        }
        if (top_key_ == kTopVaultArn || top_key_ == kTopInventoryDate) {
          std::string& out = top_key_ == kTopVaultArn ? vault_arn_ : inventory_date_;
          if (kind != Kind::kString) {
            return Fault(pos, top_key_ == kTopVaultArn ? "VaultARN is not a string" : "InventoryDate is not a string");
          }
          out.clear();
          target_ = &out;
        }
        break;
      case Frame::kList:
        if (kind != Kind::kObject) {
          return Fault(pos, "ArchiveList[" + std::to_string(archive_count_) + "] is not an object");
        }
        return Push(Frame::kItem, pos);
      case Frame::kItem:
        if (field_ >= 0) MTG_TRY_VOID(BeginField(kind, c, pos));
        break;
      case Frame::kSkipObject:
      case Frame::kSkipArray:
        break;
    }
    return BeginSkippable(kind, c, pos);
  }

  // A value of an archive field we read: checks its type and points the lexer at its buffer.
  Result<void> BeginField(Kind kind, unsigned char c, size_t pos) {
    const int field = field_;
    std::string* buffer = FieldBuffer(field);
    const bool ok = kind == Kind::kString || (field == InventoryField::kSize && kind == Kind::kNumber) ||
                    (field == InventoryField::kDescription && c == 'n');
    if (!ok) {
      const char* expected = field == InventoryField::kSize ? " is not a number or a numeric string"
                             : field == InventoryField::kDescription ? " is not a string or null"
                                                                     : " is not a string";
      return Fault(pos, std::string(kInventoryFieldNames[field]) + expected);
    }
    buffer->clear();
    present_ |= 1u << field;
    if (kind != Kind::kLiteral) target_ = buffer;
    return Ok();
  }

  std::string* FieldBuffer(int field) {
    switch (field) {
      case InventoryField::kArchiveId: return &item_.archive_id;
      case InventoryField::kDescription: return &item_.description;
      case InventoryField::kCreationDate: return &item_.creation_date;
      case InventoryField::kSize: return &size_text_;
      default: return &item_.sha256_tree_hash;
    }
  }

  // Starts the lexer on a value whose role is settled; containers here are ones we skip.
  Result<void> BeginSkippable(Kind kind, unsigned char c, size_t pos) {
    switch (kind) {
      case Kind::kObject:
        return Push(Frame::kSkipObject, pos);
      case Kind::kArray:
        return Push(Frame::kSkipArray, pos);
      case Kind::kString:
        lex_ = Lex::kString;
        return Ok();
      case Kind::kNumber:
        lex_ = Lex::kNumber;
        num_ = c == '-' ? Num::kMinus : c == '0' ? Num::kZero : Num::kInt;
        return Append(std::string_view(reinterpret_cast<const char*>(&c), 1), pos);
      case Kind::kLiteral:
        lex_ = Lex::kLiteral;
        literal_ = c == 't' ? "true" : c == 'f' ? "false" : "null";
        literal_pos_ = 1;
        return Ok();
    }
    return Ok();
  }

  Result<void> Push(Frame frame, size_t pos) {
    if (stack_.size() >= kMaxJsonDepth) return Fault(pos, "nesting deeper than " + std::to_string(kMaxJsonDepth));
    stack_.push_back(frame);
    const bool object = IsObject(frame);
    expect_ = object ? Expect::kKeyOrClose : Expect::kValueOrClose;
    if (frame == Frame::kItem) {
      in_item_ = true;
      present_ = 0;
      field_ = -1;
    }
    return Ok();
  }

  Result<void> CloseObject(size_t pos) {
    const Frame frame = stack_.back();
    if (frame == Frame::kItem) {
      MTG_TRY_VOID(FinishItem(pos));
      in_item_ = false;
    } else if (frame == Frame::kTop && !seen_list_) {
      return Fault(pos, "no ArchiveList in the inventory");
    }
    stack_.pop_back();
    EndValue();
    return Ok();
  }

  Result<void> CloseArray() {
    stack_.pop_back();
    EndValue();
    return Ok();
  }

  void EndValue() {
    expect_ = stack_.empty() ? Expect::kDone : Expect::kCommaOrClose;
    target_ = nullptr;
  }

  Result<void> FinishItem(size_t pos) {
    for (int f = 0; f < kFieldCount; ++f) {
      if ((present_ & (1u << f)) == 0) return Fault(pos, "missing " + std::string(kInventoryFieldNames[f]));
    }
    Result<void> completed = internal::CompleteInventoryItem(item_, size_text_);
    if (!completed) return Fault(pos, completed.error().message);
    MTG_TRY_VOID(sink_(item_));
    ++archive_count_;
    return Ok();
  }

  // ---- Strings ----

  Result<void> Append(std::string_view bytes, size_t pos) {
    if (target_ == nullptr) return Ok();
    if (target_->size() + bytes.size() > kMaxInventoryFieldSize) {
      return Fault(pos, (is_key_ ? std::string("key") : std::string("value")) + " longer than " +
                            std::to_string(kMaxInventoryFieldSize) + " bytes");
    }
    target_->append(bytes);
    return Ok();
  }

  Result<void> AppendChar(char32_t code_point, size_t pos) {
    scratch_.clear();
    AppendUtf8(scratch_, code_point);
    return Append(scratch_, pos);
  }

  // One byte of a string that is not plain ASCII: the end, an escape, or UTF-8.
  Result<void> StringByte(unsigned char c, size_t pos) {
    if (utf8_need_ > 0) {
      if (c < utf8_lo_ || c > utf8_hi_) return Fault(pos, "malformed UTF-8 in string");
      utf8_lo_ = 0x80;
      utf8_hi_ = 0xBF;
      --utf8_need_;
      return Append(std::string_view(reinterpret_cast<const char*>(&c), 1), pos);
    }
    if (c == '"') {
      lex_ = Lex::kBetween;
      target_ = nullptr;
      if (is_key_) {
        EndKey();
      } else {
        EndValue();
      }
      return Ok();
    }
    if (c == '\\') {
      lex_ = Lex::kEscape;
      return Ok();
    }
    if (c < 0x20) return Fault(pos, "raw control character in string");
    // Lead byte of a multi-byte sequence: the ranges exclude overlong forms, surrogates and
    // values above U+10FFFF, so what we accept is exactly well-formed UTF-8.
    if (c >= 0xC2 && c <= 0xDF) {
      utf8_need_ = 1;
      utf8_lo_ = 0x80;
      utf8_hi_ = 0xBF;
    } else if (c >= 0xE0 && c <= 0xEF) {
      utf8_need_ = 2;
      utf8_lo_ = c == 0xE0 ? 0xA0 : 0x80;
      utf8_hi_ = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      utf8_need_ = 3;
      utf8_lo_ = c == 0xF0 ? 0x90 : 0x80;
      utf8_hi_ = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return Fault(pos, "malformed UTF-8 in string");
    }
    return Append(std::string_view(reinterpret_cast<const char*>(&c), 1), pos);
  }

  Result<void> EscapeByte(unsigned char c, size_t pos) {
    if (high_surrogate_ != 0 && c != 'u') return Fault(pos, "unpaired UTF-16 surrogate in \\u escape");
    lex_ = Lex::kString;
    char out;
    switch (c) {
      case '"': out = '"'; break;
      case '\\': out = '\\'; break;
      case '/': out = '/'; break;
      case 'b': out = '\b'; break;
      case 'f': out = '\f'; break;
      case 'n': out = '\n'; break;
      case 'r': out = '\r'; break;
      case 't': out = '\t'; break;
      case 'u':
        lex_ = Lex::kUnicode;
        hex_count_ = 0;
        code_unit_ = 0;
        return Ok();
      default:
        return Fault(pos, "invalid escape in string");
    }
    return Append(std::string_view(&out, 1), pos);
  }

  Result<void> UnicodeByte(unsigned char c, size_t pos) {
    const int digit = HexDigit(c);
    if (digit < 0) return Fault(pos, "\\u escape needs four hex digits");
    code_unit_ = code_unit_ * 16 + static_cast<char32_t>(digit);
    if (++hex_count_ < 4) return Ok();
    lex_ = Lex::kString;
    const char32_t unit = code_unit_;
    if (high_surrogate_ != 0) {
      if (unit < 0xDC00 || unit > 0xDFFF) return Fault(pos, "unpaired UTF-16 surrogate in \\u escape");
      const char32_t cp = 0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit - 0xDC00);
      high_surrogate_ = 0;
      return AppendChar(cp, pos);
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      high_surrogate_ = unit;
      return Ok();
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) return Fault(pos, "unpaired UTF-16 surrogate in \\u escape");
    return AppendChar(unit, pos);
  }

  InventorySink sink_;
  uint64_t consumed_ = 0;  // bytes of the input before the current chunk
  bool failed_ = false;
  bool finished_ = false;
  Error error_;

  // Grammar.
  std::vector<Frame> stack_;
  Expect expect_ = Expect::kValue;
  bool seen_list_ = false;
  int top_key_ = kTopOther;
  bool in_item_ = false;
  int field_ = -1;         // the current archive key's field, -1 when ignored
  unsigned present_ = 0;   // bit per InventoryField seen in the current archive

  // Lexer.
  Lex lex_ = Lex::kBetween;
  std::string* target_ = nullptr;  // where string or number bytes go; null when skipped
  bool is_key_ = false;
  int utf8_need_ = 0;
  unsigned char utf8_lo_ = 0x80, utf8_hi_ = 0xBF;
  int hex_count_ = 0;
  char32_t code_unit_ = 0;
  char32_t high_surrogate_ = 0;
  Num num_ = Num::kInt;
  std::string_view literal_;
  size_t literal_pos_ = 0;
  std::string scratch_;

  // Values.
  std::string key_;
  std::string size_text_;
  InventoryItem item_;
  std::string vault_arn_;
  std::string inventory_date_;
  uint64_t archive_count_ = 0;
};

InventoryJsonParser::InventoryJsonParser(InventorySink sink) : impl_(std::make_unique<Impl>(std::move(sink))) {}
InventoryJsonParser::~InventoryJsonParser() = default;

Result<void> InventoryJsonParser::Feed(std::string_view bytes) { return impl_->Feed(bytes); }
Result<void> InventoryJsonParser::Finish() { return impl_->Finish(); }
const std::string& InventoryJsonParser::vault_arn() const { return impl_->vault_arn(); }
const std::string& InventoryJsonParser::inventory_date() const { return impl_->inventory_date(); }
uint64_t InventoryJsonParser::archive_count() const { return impl_->archive_count(); }

Result<InventoryHeader> ParseInventoryJson(std::string_view text, InventorySink sink) {
  InventoryJsonParser parser(std::move(sink));
  MTG_TRY_VOID(parser.Feed(text));
  MTG_TRY_VOID(parser.Finish());
  return InventoryHeader{parser.vault_arn(), parser.inventory_date(), parser.archive_count()};
}

}  // namespace mtg::meta
