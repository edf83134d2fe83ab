// page_renderer.h — renders the site's pages: a Mustache template (mstch,
// which escapes every {{value}} for HTML; only {{{...}}} would not, and no
// template uses it) over a view model given as JSON, with the translation
// file of the page's language as `t` and the shared parts (layout head,
// header, footer) as partials.
//
// The templates and translation files are those of web/, built into the
// executable (embedded_files.h). Every string a person reads comes from a
// translation file, keyed by meaning (`theme.agreements.heading`).
//
// Thread-safety: immutable after construction; Render may run on many
// threads at once.
#ifndef SMARTERCITIES_CORE_WEB_PAGE_RENDERER_H_
#define SMARTERCITIES_CORE_WEB_PAGE_RENDERER_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/base/status.h"

namespace smartercities::web {

// The languages of the site: Dutch at /…, English under /en/….
enum class Language { kDutch, kEnglish };

// "nl" or "en".
std::string_view Code(Language language);

class PageRenderer {
 public:
  // Loads the embedded templates and translations; fails naming the file
  // when a translation file is not valid JSON or lacks a key the Dutch one
  // has.
  static Result<PageRenderer> Load();

  // The HTML of template `name` (without ".mustache") over model, which
  // gets `t` (the translations of language) and `lang` added. An unknown
  // template renders as an empty string; tests catch that.
  std::string Render(std::string_view name, Language language,
                     nlohmann::json model) const;

  // One translated string by its dotted key ("nav.themes"), or the key
  // itself when it is missing.
  std::string Text(Language language, std::string_view key) const;

  // The translations of a language, for view models that pick from them.
  const nlohmann::json& Translations(Language language) const;

  // The text of a shared part (a template whose file name starts with "_"),
  // by its name without the "_"; nullptr when there is none.
  const std::string* Partial(std::string_view name) const;

 private:
  std::map<std::string, std::string> templates_;
  std::map<std::string, std::string> partials_;
  nlohmann::json dutch_;
  nlohmann::json english_;
};

}  // namespace smartercities::web

#endif  // SMARTERCITIES_CORE_WEB_PAGE_RENDERER_H_
