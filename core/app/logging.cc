#include "core/app/logging.h"

#include <smartercities/text.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <limits>

namespace smartercities::app {
namespace {

// The message of a log line, escaped; for JSON lines also quotes and
// backslashes escaped once more, as a JSON string needs.
class EscapedMessage : public spdlog::custom_flag_formatter {
 public:
  explicit EscapedMessage(bool json) : json_(json) {}

  void format(const spdlog::details::log_msg& message, const std::tm&,
              spdlog::memory_buf_t& out) override {
    std::string text = EscapeForLog(
        std::string_view(message.payload.data(), message.payload.size()));
    if (json_) text = JsonString(text);
    out.append(text.data(), text.data() + text.size());
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<EscapedMessage>(json_);
  }

  // Escaped text has no control characters and is UTF-8, so only quotes
  // and backslashes need escaping.
  static std::string JsonString(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out;
  }

 private:
  bool json_;
};

}  // namespace

std::string EscapeForLog(std::string_view text) {
  return sdk::Printable(text, std::numeric_limits<std::size_t>::max());
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(std::string_view format) {
  bool json = format == "json";
  auto formatter = std::make_unique<spdlog::pattern_formatter>(
      spdlog::pattern_time_type::utc);
  formatter->add_flag<EscapedMessage>('*', json);
  formatter->set_pattern(
      json
          ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","message":"%*"})"
          : "%Y-%m-%dT%H:%M:%S.%eZ %l %*");
  return formatter;
}

void ConfigureLogging(const Config& config) {
  auto logger = spdlog::stdout_logger_mt("smartercities");
  logger->set_formatter(MakeLogFormatter(config.log_format));
  logger->set_level(spdlog::level::from_str(config.log_level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace smartercities::app
