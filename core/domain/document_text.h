// document_text.h — what a knowledge-base file is, found by its content
// (never by its name), and the text the full-text search indexes from it.
//
// Accepted: PDF (starts with "%PDF-"), HTML (a document that starts, after
// white space and an optional BOM, with "<!doctype html", "<html" or
// "<!--"), and plain text or Markdown (valid UTF-8 without NUL or other
// control characters than tab, line breaks and form feed). ZIP-based
// formats (docx, odt, pptx) are refused: their text is not read, and a zip
// bomb is not worth the risk. Stateless; thread-safe (poppler's document
// objects are made per call).
#ifndef SMARTERCITIES_CORE_DOMAIN_DOCUMENT_TEXT_H_
#define SMARTERCITIES_CORE_DOMAIN_DOCUMENT_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

namespace smartercities::domain {

// The media type of a file by its bytes: "application/pdf", "text/html",
// "text/markdown" (plain text whose uploaded name ends in .md), or
// "text/plain"; nullopt, with why in *reason, for anything else.
std::optional<std::string> SniffMediaType(std::string_view bytes,
                                          std::string_view file_name,
                                          std::string* reason);

// The text of a file of media_type and how it went: "extracted" (text
// holds the words), "empty" (the file parsed but holds no text, as a
// scanned PDF) or "failed" (the file could not be read; reason says why).
struct ExtractedText {
  std::string text;
  std::string status;  // "extracted", "empty" or "failed"
  std::string reason;  // empty for "extracted"
};
ExtractedText ExtractText(std::string_view media_type, std::string_view bytes);

// The file name an upload gave, without any directory part (either slash),
// control characters or leading dots, at most 200 bytes of whole UTF-8
// characters; "document" when nothing is left.
std::string SafeFileName(std::string_view uploaded);

}  // namespace smartercities::domain

#endif  // SMARTERCITIES_CORE_DOMAIN_DOCUMENT_TEXT_H_
