// Fuzzes the streaming CSV inventory parser (outside input: a vault's inventory job output in
// Amazon's CSV dialect). Beyond never crashing: any chunking gives the same archives and error
// as feeding the input whole, archives satisfy the parser's promises, and the record splitter
// keeps its basic laws at any column count.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "meta/inventory_csv.h"
#include "meta/iso8601.h"

namespace {
using namespace mtg;
using namespace mtg::meta;

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  std::vector<InventoryItem> items;
  bool ok = false;
  std::string error;
};

Outcome Run(std::string_view input, const std::vector<size_t>& plan) {
  Outcome out;
  InventoryCsvParser parser([&](const InventoryItem& item) -> Result<void> {
    Check(!item.archive_id.empty());
    for (const std::string* field : {&item.archive_id, &item.description, &item.creation_date, &item.sha256_tree_hash}) {
      Check(field->size() <= kMaxInventoryFieldSize);
      Check(field->find('\n') == std::string::npos);
    }
    Check(Iso8601ToEpoch(item.creation_date) == item.creation_epoch);
    out.items.push_back(item);
    return Ok();
  });
  Result<void> r = Ok();
  size_t pos = 0;
  size_t k = 0;
  while (r && pos < input.size()) {
    const size_t n = plan.empty() ? input.size() : std::min(plan[k++ % plan.size()], input.size() - pos);
    r = parser.Feed(input.substr(pos, n));
    pos += n;
  }
  if (r) r = parser.Finish();
  out.ok = r.has_value();
  if (!r) {
    out.error = r.error().message;
    Check(r.error().code == ErrorCode::kParse);
    Check(out.error.rfind("inventory CSV at line ", 0) == 0);
    Check(parser.Finish().error().message == out.error);
  }
  Check(parser.archive_count() == out.items.size());
  return out;
}

// The record splitter on its own, at any column count: fields never outgrow the line, and a
// line without quotes or backslashes splits exactly at its commas.
void CheckSplitter(std::string_view line, size_t columns) {
  auto fields = internal::SplitCsvRecord(line, columns);
  const bool plain = line.find_first_of("\\\"") == std::string_view::npos;
  if (!fields) {
    Check(!plain || static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1 != columns);
    return;
  }
  Check(fields->size() == columns);
  size_t total = 0;
  for (const std::string& f : *fields) total += f.size();
  Check(total + columns - 1 <= line.size());
  if (plain) {
    std::string joined;
    for (size_t i = 0; i < columns; ++i) joined += (i > 0 ? "," : "") + (*fields)[i];
    Check(joined == line);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const Outcome whole = Run(input, {});
  std::vector<size_t> plan = {1};
  if (size > 0) plan = {1 + data[0] % 7u, 1, 1 + data[size - 1] % 13u};
  for (const auto& p : {std::vector<size_t>{1}, plan}) {
    const Outcome split = Run(input, p);
    Check(split.ok == whole.ok);
    Check(split.error == whole.error);
    Check(split.items == whole.items);
  }
  if (size > 0 && input.find('\n') == std::string_view::npos) CheckSplitter(input.substr(1), 1 + data[0] % 6u);
  return 0;
}
