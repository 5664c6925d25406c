// Fuzzes the streaming JSON inventory parser (outside input: a vault's inventory job output).
// Beyond never crashing: any split of the input into chunks must give the same archives and the
// same error as feeding it whole, every archive must satisfy what the parser promises (fields
// present, capped, UTF-8, dates parsed), and nothing may be reported after the first error.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "meta/inventory_json.h"
#include "meta/iso8601.h"
#include "meta/utf8.h"

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
  std::string vault_arn, inventory_date;
};

// Feeds `input` in chunks whose sizes cycle through `plan` (empty plan: whole).
Outcome Run(std::string_view input, const std::vector<size_t>& plan) {
  Outcome out;
  InventoryJsonParser parser([&](const InventoryItem& item) -> Result<void> {
    Check(!item.archive_id.empty());
    for (const std::string* field : {&item.archive_id, &item.description, &item.creation_date, &item.sha256_tree_hash}) {
      Check(field->size() <= kMaxInventoryFieldSize);
      Check(IsValidUtf8(*field));
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
    Check(out.error.rfind("inventory JSON at byte ", 0) == 0);
    // The error sticks.
    Check(parser.Finish().error().message == out.error);
  }
  Check(parser.archive_count() == out.items.size());
  out.vault_arn = parser.vault_arn();
  out.inventory_date = parser.inventory_date();
  return out;
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
    if (whole.ok) {
      Check(split.vault_arn == whole.vault_arn);
      Check(split.inventory_date == whole.inventory_date);
    }
  }
  return 0;
}
