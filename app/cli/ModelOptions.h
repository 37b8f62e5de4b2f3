#pragma once

#include <memory>
#include <string>

#include "app/cli/CliArgs.h"
#include "core/model/AvsrModel.h"

namespace sinkscope::cli {

// --model DIR with --device cpu|cuda|cuda:N|auto and --dtype fp32|fp16|bf16, shared
// by every command that runs a model.
std::shared_ptr<AvsrModel> loadModelFromArgs(const CliArgs& args);

// "1,2, 3" -> ids; Error naming the option on anything else.
std::vector<std::int64_t> parseTokenList(const std::string& text);

}  // namespace sinkscope::cli
