#include "core/web/page_renderer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace smartercities::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

PageRenderer Renderer() {
  auto renderer = PageRenderer::Load();
  EXPECT_TRUE(renderer.ok()) << renderer.status().message();
  return std::move(renderer).value();
}

nlohmann::json ErrorModel(const std::string& detail) {
  return {
      {"title", "t"},
      {"heading", "Fout"},
      {"explanation", "uitleg"},
      {"detail", detail},
      {"home", "/"},
      {"otherLanguage", {{"url", "/en"}, {"code", "en"}, {"label", "English"}}},
      {"nav", nlohmann::json::array()}};
}

TEST(PageRendererTest, EscapesEveryValueForHtml) {
  std::string html =
      Renderer().Render("error", Language::kDutch,
                        ErrorModel("<script>alert(\"x\")</script> & 'y'"));
  EXPECT_THAT(html, Not(HasSubstr("<script>alert")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(&quot;x&quot;)"));
  EXPECT_THAT(html, HasSubstr("&amp; &#39;y&#39;"));
}

TEST(PageRendererTest, PagesCarryTheirLanguageAndTranslations) {
  PageRenderer renderer = Renderer();
  std::string dutch =
      renderer.Render("error", Language::kDutch, ErrorModel(""));
  std::string english =
      renderer.Render("error", Language::kEnglish, ErrorModel(""));
  EXPECT_THAT(dutch, HasSubstr("<html lang=\"nl\">"));
  EXPECT_THAT(dutch, HasSubstr("Naar de inhoud"));
  EXPECT_THAT(english, HasSubstr("<html lang=\"en\">"));
  EXPECT_THAT(english, HasSubstr("Skip to content"));
}

TEST(PageRendererTest, NoTemplateHasInlineScriptStyleOrUnescapedValues) {
  // The Content-Security-Policy allows neither; an unescaped {{{value}}}
  // would let stored text become markup.
  for (const char* name :
       {"dashboard", "theme", "agreement", "indicator", "cities", "city",
        "search", "login", "account", "entry", "register", "admin",
        "admin_modules", "admin_users", "admin_tokens", "admin_audit",
        "error"}) {
    std::string html =
        Renderer().Render(name, Language::kDutch, ErrorModel("x"));
    EXPECT_FALSE(html.empty()) << name;
    EXPECT_THAT(html, Not(HasSubstr("<script>"))) << name;
    EXPECT_THAT(html, Not(HasSubstr("<style"))) << name;
    EXPECT_THAT(html, Not(HasSubstr(" style="))) << name;
    EXPECT_THAT(html, Not(HasSubstr(" onclick="))) << name;
  }
}

TEST(PageRendererTest, TextFindsDottedKeysAndFallsBackToTheKey) {
  PageRenderer renderer = Renderer();
  EXPECT_EQ(renderer.Text(Language::kDutch, "nav.cities"), "Steden");
  EXPECT_EQ(renderer.Text(Language::kEnglish, "nav.cities"), "Cities");
  EXPECT_EQ(renderer.Text(Language::kEnglish, "nav.nothing"), "nav.nothing");
}

TEST(PageRendererTest, AnUnknownTemplateRendersNothing) {
  EXPECT_EQ(Renderer().Render("no-such-page", Language::kDutch, {}), "");
}

}  // namespace
}  // namespace smartercities::web
