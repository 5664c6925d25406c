// Fuzzes archive description decoding (outside input: any vault's inventory) and checks the
// codec's round trips: whatever decodes must re-encode (when within the limits) and decode to
// the same name and mtime; dates and base64url must round-trip too.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "meta/base64url.h"
#include "meta/description.h"
#include "meta/flat_json.h"
#include "meta/iso8601.h"
#include "meta/utf8.h"

namespace {
using namespace mtg::meta;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Decodes one description and checks the re-encode round trip.
void CheckDescription(std::string_view input) {
  const DecodedDescription decoded = DecodeDescription(input);
  if (!decoded) {
    Check(!decoded.error().reason.empty());
    return;
  }
  Check(IsValidUtf8(decoded->filename));
  auto encoded = EncodeDescription(decoded->filename, decoded->mtime);
  if (!encoded) {
    // Only the limits may refuse a decoded name: a leap second on 9999-12-31 leaves the
    // range, and an mt1 or escaped name can grow past 1024 characters when rewritten.
    Check(!IsMetaTimeInRange(decoded->mtime) ||
          encoded.error().message.find("too big") != std::string::npos);
    return;
  }
  Check(encoded->size() <= kMaxDescriptionSize);
  const DecodedDescription again = DecodeDescription(*encoded);
  Check(again.has_value());
  Check(again->filename == decoded->filename);
  Check(again->mtime == decoded->mtime);
  Check(again->format == DescriptionFormat::kMt2);
}

// Latin-1 bytes to UTF-8: the second encoding an mt1 description carries.
std::string Latin1ToUtf8(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) AppendUtf8(out, static_cast<unsigned char>(c));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  CheckDescription(input);
  // Byte mutations rarely survive base64, so also hand the input to the JSON layer directly,
  // as the payload of an mt2 and of an mt1 description.
  if (input.size() <= kMaxDescriptionSize) {
    CheckDescription("mt2 " + Base64UrlEncode(input));
    CheckDescription("mt1 " + Base64UrlEncode(Latin1ToUtf8(input)));
  }

  if (auto type = DecodeJobDescription(input)) {
    auto encoded = EncodeJobDescription(*type);
    if (encoded) Check(DecodeJobDescription(*encoded) == *type);
  }

  if (auto epoch = Iso8601ToEpoch(input)) {
    Check(*epoch >= kMinMetaTime && *epoch <= kMaxMetaTime + 2);
    Check(Iso8601ToEpoch(EpochToIso8601(*epoch)) == *epoch || *epoch > kMaxMetaTime);
    Check(Iso8601ToEpoch(EpochToIso8601Extended(*epoch)) == *epoch || *epoch > kMaxMetaTime);
  }

  if (auto object = ParseFlatJsonObject(input)) {
    for (const auto& [key, value] : object->members()) {
      Check(IsValidUtf8(key));
      if (value.IsString()) Check(IsValidUtf8(value.text));
    }
  }

  Check(Base64UrlDecode(Base64UrlEncode(input)) == input);
  (void)Base64UrlDecode(input);
  return 0;
}
