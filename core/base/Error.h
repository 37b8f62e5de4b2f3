#pragma once

#include <stdexcept>
#include <string>

namespace sinkscope {

// Every failure core reports is an Error (or a subclass) whose what() is one line
// that names the thing at fault (file, key, tensor) and, for shape or value
// problems, what was expected and what was found. Stage boundaries catch Error and
// turn it into a message the user sees; core never exits or aborts.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A file that exists but does not follow its format (safetensors, JSON, tokenizer).
class FormatError : public Error {
 public:
  using Error::Error;
};

// A configuration value that is missing, of the wrong type or out of range.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A tensor whose shape or dtype is not the one the model expects.
class ShapeError : public Error {
 public:
  using Error::Error;
};

// Media that cannot be opened or decoded.
class MediaError : public Error {
 public:
  using Error::Error;
};

// A device (CUDA, camera, microphone) that is missing or failed.
class DeviceError : public Error {
 public:
  using Error::Error;
};

}  // namespace sinkscope
