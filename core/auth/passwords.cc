#include "core/auth/passwords.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <stdexcept>

namespace smartercities::auth {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Long passwords that appear at the top of published breach corpora, and
// the Dutch and platform-specific ones people reach for first. Compared in
// lower case; PasswordProblem adds the patterns behind most of them.
constexpr std::array<std::string_view, 60> kCommonPasswords = {
    "123456789012",   "1234567890123",  "12345678901234",   "123456123456",
    "123123123123",   "111111111111",   "000000000000",     "121212121212",
    "qwertyuiop12",   "qwertyuiopasdf", "qwerty123456",     "1q2w3e4r5t6y",
    "1qaz2wsx3edc",   "zaq12wsxcde3",   "asdfghjkl123",     "password1234",
    "password12345",  "password123456", "passwordpassword", "passw0rd1234",
    "p@ssw0rd1234",   "iloveyou1234",   "letmein12345",     "welcome12345",
    "welcome123456",  "changeme1234",   "administrator",    "administrator1",
    "admin1234567",   "adminadmin12",   "sunshine1234",     "princess1234",
    "football1234",   "baseball1234",   "dragon123456",     "monkey123456",
    "superman1234",   "trustno11234",   "starwars1234",     "whatever1234",
    "abcdefghijkl",   "abcd1234abcd",   "abc123abc123",     "1234qwerasdf",
    "qazwsxedcrfv",   "wachtwoord12",   "wachtwoord123",    "wachtwoord1234",
    "welkom123456",   "welkom1234567",  "welkomwelkom",     "geheim123456",
    "amsterdam123",   "rotterdam123",   "nederland123",     "smartercities",
    "smartercities1", "stedenlink123",  "gemeente1234",     "zomer2024zomer",
};

// Words that, padded with digits and punctuation only, make up most of the
// breached passwords of this length.
constexpr std::array<std::string_view, 12> kWeakStems = {
    "password", "wachtwoord", "welkom", "welcome", "qwerty",   "azerty",
    "letmein",  "iloveyou",   "admin",  "geheim",  "changeme", "secret",
};

std::size_t CountCharacters(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    // Count the first byte of each UTF-8 sequence.
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

bool IsRun(std::string_view text) {
  if (text.size() < 2) return true;
  int step = text[1] - text[0];
  if (step < -1 || step > 1) return false;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (text[i] - text[i - 1] != step) return false;
  }
  return true;
}

// text is one shorter string repeated ("abcabcabcabc").
bool IsRepetition(std::string_view text) {
  for (std::size_t period = 1; period <= text.size() / 2; ++period) {
    if (text.size() % period != 0) continue;
    bool repeated = true;
    for (std::size_t i = period; i < text.size() && repeated; ++i) {
      repeated = text[i] == text[i - period];
    }
    if (repeated) return true;
  }
  return false;
}

std::string WithoutDigitsAndPunctuation(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalpha(static_cast<unsigned char>(c)) ||
        (static_cast<unsigned char>(c) & 0x80) != 0) {
      out += c;
    }
  }
  return out;
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordCost cost, int max_concurrent,
                               std::chrono::milliseconds max_wait)
    : ops_limit_(std::max<std::uint64_t>(cost.ops_limit,
                                         crypto_pwhash_OPSLIMIT_INTERACTIVE)),
      mem_limit_(std::max<std::size_t>(cost.mem_limit_bytes,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE)),
      max_concurrent_(std::max(1, max_concurrent)),
      max_wait_(max_wait) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
}

bool PasswordHasher::Acquire() {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, max_wait_,
                       [this] { return running_ < max_concurrent_; })) {
    return false;
  }
  ++running_;
  return true;
}

void PasswordHasher::Release() {
  {
    std::lock_guard lock(mutex_);
    --running_;
  }
  freed_.notify_one();
}

Result<std::string> PasswordHasher::Hash(std::string_view password) {
  if (!Acquire()) {
    return Status::Unavailable(
        "the server is busy checking other passwords; try again in a few "
        "seconds");
  }
  char out[crypto_pwhash_STRBYTES];
  int result = crypto_pwhash_str(out, password.data(), password.size(),
                                 ops_limit_, mem_limit_);
  Release();
  if (result != 0) {
    return Status::Unavailable("not enough memory to hash the password");
  }
  return std::string(out);
}

Result<bool> PasswordHasher::Verify(std::string_view hash,
                                    std::string_view password) {
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), stored);
  if (!Acquire()) {
    return Status::Unavailable(
        "the server is busy checking other passwords; try again in a few "
        "seconds");
  }
  int result =
      crypto_pwhash_str_verify(stored, password.data(), password.size());
  Release();
  return result == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  if (hash.size() >= crypto_pwhash_STRBYTES) return true;
  char stored[crypto_pwhash_STRBYTES] = {};
  std::copy(hash.begin(), hash.end(), stored);
  return crypto_pwhash_str_needs_rehash(stored, ops_limit_, mem_limit_) != 0;
}

Result<bool> PasswordHasher::VerifyDummy(std::string_view password) {
  std::string hash;
  {
    std::lock_guard lock(mutex_);
    hash = dummy_hash_;
  }
  if (hash.empty()) {
    auto made = Hash(GeneratePassword());
    if (!made.ok()) return made.status();
    hash = *made;
    std::lock_guard lock(mutex_);
    dummy_hash_ = hash;
  }
  auto result = Verify(hash, password);
  if (!result.ok()) return result.status();
  return false;
}

std::optional<std::string> PasswordProblem(std::string_view password,
                                           std::string_view username) {
  std::size_t length = CountCharacters(password);
  if (length < 12) {
    return "the password must be at least 12 characters long (it has " +
           std::to_string(length) + ")";
  }
  if (length > 128) {
    return "the password may be at most 128 characters long (it has " +
           std::to_string(length) + ")";
  }
  std::string lower = Lower(password);
  if (std::find(kCommonPasswords.begin(), kCommonPasswords.end(), lower) !=
      kCommonPasswords.end()) {
    return "this password is among the most used and breached passwords; "
           "choose another";
  }
  std::string letters = WithoutDigitsAndPunctuation(lower);
  for (std::string_view stem : kWeakStems) {
    if (letters == stem) {
      return "a common word padded with digits or punctuation (\"" +
             std::string(stem) +
             "...\") is among the first passwords tried; choose another";
    }
  }
  std::string name = Lower(username);
  if (name.size() >= 3 && lower.find(name) != std::string::npos) {
    return "the password must not contain the account name";
  }
  std::set<char> distinct(lower.begin(), lower.end());
  if (distinct.size() < 5 || IsRun(lower) || IsRepetition(lower)) {
    return "the password is a repetition or a run of characters; choose one "
           "with more variety";
  }
  return std::nullopt;
}

std::string GeneratePassword() {
  // No characters that are easy to confuse (0/O, 1/l/I).
  constexpr std::string_view kAlphabet =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to start");
  std::string out;
  for (int i = 0; i < 20; ++i) {
    out += kAlphabet[randombytes_uniform(
        static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace smartercities::auth
