#include "core/domain/document_text.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

namespace smartercities::domain {
namespace {

// More text than this from one file is not indexed (a 20-page plan holds
// about 60 kB; this is a few thousand pages).
constexpr std::size_t kMaxTextBytes = 16 * 1024 * 1024;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}

// Where the first problem of text as UTF-8 text is (an invalid sequence,
// NUL or another control character than tab, line breaks and form feed),
// or npos.
std::size_t TextProblemAt(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
        return i;
      }
      if (c == 0x7F) return i;
      ++i;
      continue;
    }
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (length == 0 || c > 0xF4 || i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    }
    auto next = static_cast<unsigned char>(text[i + 1]);
    // Overlong forms, surrogates and code points beyond U+10FFFF.
    if ((c == 0xE0 && next < 0xA0) || (c == 0xED && next > 0x9F) ||
        (c == 0xF0 && next < 0x90) || (c == 0xF4 && next > 0x8F)) {
      return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

std::string_view WithoutBom(std::string_view text) {
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

bool LooksLikeHtml(std::string_view text) {
  text = WithoutBom(text);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text[0]))) {
    text.remove_prefix(1);
  }
  return StartsWithNoCase(text, "<!doctype html") ||
         StartsWithNoCase(text, "<html") || StartsWithNoCase(text, "<!--");
}

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  return StartsWithNoCase(text.substr(text.size() - suffix.size()), suffix);
}

void AppendUtf8(std::string& out, unsigned long code) {
  if (code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    out += ' ';
  } else if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// The text of an HTML document: the content outside tags, comments,
// scripts and styles, with the common character references decoded.
std::string HtmlText(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  while (i < html.size() && out.size() < kMaxTextBytes) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        std::size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 3;
        continue;
      }
      std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) break;
      std::string_view tag = html.substr(i + 1, end - i - 1);
      for (std::string_view raw : {"script", "style"}) {
        if (StartsWithNoCase(tag, raw)) {
          std::string closing = "</";
          closing += raw;
          // Case-insensitive search for the closing tag.
          std::size_t at = end;
          while (at < html.size() &&
                 !StartsWithNoCase(html.substr(at), closing)) {
            ++at;
          }
          end = html.find('>', at);
          if (end == std::string_view::npos) end = html.size() - 1;
          break;
        }
      }
      out += ' ';
      i = end + 1;
    } else if (c == '&') {
      std::size_t end = html.find(';', i);
      if (end == std::string_view::npos || end - i > 10) {
        out += c;
        ++i;
        continue;
      }
      std::string_view name = html.substr(i + 1, end - i - 1);
      if (name == "amp") {
        out += '&';
      } else if (name == "lt") {
        out += '<';
      } else if (name == "gt") {
        out += '>';
      } else if (name == "quot") {
        out += '"';
      } else if (name == "apos") {
        out += '\'';
      } else if (name == "nbsp") {
        out += ' ';
      } else if (!name.empty() && name[0] == '#') {
        bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
        std::string digits(name.substr(hex ? 2 : 1));
        unsigned long code = 0;
        try {
          code = std::stoul(digits, nullptr, hex ? 16 : 10);
        } catch (...) {
          code = 0;
        }
        AppendUtf8(out, code);
      } else {
        out += ' ';
      }
      i = end + 1;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

void IgnorePopplerMessage(const std::string&, void*) {}

ExtractedText PdfText(std::string_view bytes) {
  // Poppler's global state is set up lazily and shared; one file at a time.
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  // Poppler reports a damaged file on stderr; the reason goes to the
  // caller instead.
  poppler::set_debug_error_function(&IgnorePopplerMessage, nullptr);
  std::unique_ptr<poppler::document> document(
      poppler::document::load_from_raw_data(bytes.data(),
                                            static_cast<int>(bytes.size())));
  if (!document) {
    return {"", "failed",
            "the PDF file could not be read (damaged or not a PDF); it is "
            "stored, but its text is not searchable"};
  }
  if (document->is_locked()) {
    return {"", "failed",
            "the PDF file is protected with a password; it is stored, but "
            "its text is not searchable"};
  }
  std::string text;
  int pages = document->pages();
  for (int i = 0; i < pages && text.size() < kMaxTextBytes; ++i) {
    std::unique_ptr<poppler::page> page(document->create_page(i));
    if (!page) continue;
    poppler::byte_array utf8 = page->text().to_utf8();
    text.append(utf8.begin(), utf8.end());
    text += '\n';
  }
  bool blank = true;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      blank = false;
      break;
    }
  }
  if (blank) {
    return {"", "empty",
            "the PDF file holds no text (a scan without text recognition?); "
            "only its title is searchable"};
  }
  return {std::move(text), "extracted", ""};
}

}  // namespace

std::optional<std::string> SniffMediaType(std::string_view bytes,
                                          std::string_view file_name,
                                          std::string* reason) {
  auto refuse = [&](std::string why) -> std::optional<std::string> {
    if (reason != nullptr) *reason = std::move(why);
    return std::nullopt;
  };
  if (bytes.empty()) return refuse("the file is empty");
  if (StartsWith(bytes, "%PDF-")) return "application/pdf";
  if (StartsWith(bytes, "PK\x03\x04")) {
    return refuse(
        "the file is a ZIP archive (docx, odt, pptx, ...); upload it as PDF "
        "or plain text");
  }
  std::size_t problem = TextProblemAt(bytes);
  if (problem != std::string_view::npos) {
    return refuse(
        "the file is not PDF, HTML, Markdown or plain UTF-8 text (byte " +
        std::to_string(problem + 1) +
        " is not text); upload it as PDF or plain text");
  }
  if (LooksLikeHtml(bytes)) return "text/html";
  if (EndsWithNoCase(file_name, ".md") ||
      EndsWithNoCase(file_name, ".markdown")) {
    return "text/markdown";
  }
  return "text/plain";
}

ExtractedText ExtractText(std::string_view media_type, std::string_view bytes) {
  if (media_type == "application/pdf") return PdfText(bytes);
  std::string text = media_type == "text/html"
                         ? HtmlText(bytes)
                         : std::string(WithoutBom(bytes).substr(
                               0, std::min(bytes.size(), kMaxTextBytes)));
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      return {std::move(text), "extracted", ""};
    }
  }
  return {"", "empty", "the file holds no text"};
}

std::string SafeFileName(std::string_view uploaded) {
  std::size_t slash = uploaded.find_last_of("/\\");
  if (slash != std::string_view::npos) uploaded.remove_prefix(slash + 1);
  std::string name;
  for (char c : uploaded) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '"') continue;
    name += c;
  }
  while (!name.empty() && (name.front() == '.' || name.front() == ' ')) {
    name.erase(0, 1);
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  if (TextProblemAt(name) != std::string_view::npos) {
    // Not UTF-8: keep the ASCII letters only.
    std::string ascii;
    for (char c : name) {
      if (static_cast<unsigned char>(c) < 0x80) ascii += c;
    }
    name = ascii;
  }
  if (name.size() > 200) {
    std::size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) {
      --cut;
    }
    name.resize(cut);
  }
  return name.empty() ? "document" : name;
}

}  // namespace smartercities::domain
