// Fuzzes the two config parsers with the same bytes: as an mtglacier (mt-aws-glacier) config file,
// with each resulting value run through its option validator, and as an AWS shared INI file.
// Neither may crash, and an error message must never repeat a value given for "secret".
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/aws_ini.h"
#include "config/config_file.h"
#include "config/options.h"
#include "config/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto& table = mtg::config::MtglacierOptions();

  auto cfg = mtg::config::ParseConfig(bytes, "fuzz.cfg", table);
  if (cfg) {
    for (const auto& [name, value] : cfg->values) {
      auto r = cfg->ValidateValue(table, name);
      if (!r && name == "secret" && value.value.size() >= 8 &&
          r.error().message.find(value.value) != std::string::npos) {
        std::abort();  // a secret leaked into an error message
      }
    }
  }

  auto ini = mtg::config::ParseIni(bytes, "fuzz.ini");
  if (ini) {
    for (const auto& [section, values] : ini->sections) {
      for (const auto& [key, value] : values) {
        if (value.line <= 0) std::abort();
      }
    }
  }

  (void)mtg::config::QuoteForMessage(bytes, 64);
  (void)mtg::config::ValidateEndpoint(bytes);
  (void)mtg::config::ValidateSnsTopic(bytes);
  return 0;
}
