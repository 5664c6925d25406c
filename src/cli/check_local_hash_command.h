// `mtglacier check-local-hash`: checks the files under --dir against the latest version of each
// file in the --journal, with mt-aws-glacier 1.120's verdict lines and TOTALS block (reference
// §2.5). Reads only local files: unlike the original it needs no credentials.
#pragma once

#include <string_view>

#include "cli/command.h"

namespace mtg::cli {

ExitCode RunCheckLocalHash(Context& ctx);
extern const std::string_view kCheckLocalHashUsage;

}  // namespace mtg::cli
