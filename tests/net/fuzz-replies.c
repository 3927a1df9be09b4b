/* fuzz-replies.c: a bounded randomized fuzzer for what parses or shows a
 * server's bytes: the redactor (any bytes, secrets in use), the JSON depth
 * guard and guarded parser, HeyaiHttpResponse's JSON / error-detail
 * readers, the LLM reply parser and validator, the LLM clients' answer
 * readers (OpenAI Chat Completions and Responses, Anthropic: what a split
 * makes of a 2xx answer), and Higgsfield's concurrency-cap reader.
 *
 * Inputs are mutations (bit flips, byte inserts, deep bracket runs, cuts,
 * splices, invalid UTF-8, embedded secrets) of a small corpus of real-shaped
 * answers.  Properties checked on every input, besides "no crash, no
 * sanitizer report": redaction output is valid UTF-8 and never contains a
 * registered secret; error details are valid UTF-8, short and secret-free.
 *
 * Runs for HEYAI_FUZZ_SECONDS (default 10) with seed HEYAI_FUZZ_SEED
 * (default: time-based, printed so a failure can be replayed).  Built with
 * clang -fsanitize=fuzzer, LLVMFuzzerTestOneInput is the libFuzzer entry
 * point instead (-Dfuzz_libfuzzer is not wired; compile by hand).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "heyai-core.h"
#include "heyai-http.h"
#include "heyai-imager-higgsfield.h"
#include "heyai-llm-anthropic.h"
#include "heyai-llm-openai.h"
#include "heyai-llm-schema.h"

static const char *const secrets[] = {
  "sk-proj-FUZZsecret0123456789",
  "fake-hf-id:fake-hf-secret-FUZZ",
  "ya29.FUZZaccess-token-xyz",
};

static const char *const corpus[] = {
  "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-FUZZsecret0123456789\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}",
  "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your credit balance is too low\"},\"request_id\":\"req_1\"}",
  "{\"detail\":\"Maximum number of concurrent requests (4) has been reached\"}",
  "{\"detail\":[{\"loc\":[\"body\",\"prompt\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}",
  "{\"code\":1102,\"message\":\"Account balance not enough\",\"request_id\":\"r\"}",
  "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}",
  "{\"id\":\"resp_1\",\"status\":\"completed\",\"output\":[{\"type\":\"reasoning\",\"summary\":[]},{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"{\\\"scenes\\\":[]}\"}]}]}",
  "{\"scenes\":[{\"title\":\"Scene 1\",\"description\":\"A lighthouse\",\"image_prompt\":\"fog\",\"motion_prompt\":\"drift\",\"camera_move\":\"static\",\"duration\":5}]}",
  "```json\n{\"scenes\":[{\"title\":\"T\",\"description\":\"d\",\"image_prompt\":\"i\",\"motion_prompt\":\"m\",\"camera_move\":\"push-in\",\"duration\":10}]}\n```",
  "Authorization: Bearer sk-proj-FUZZsecret0123456789\nx-api-key: ant\nGET https://h/x?key=AIza&access_token=ya29.FUZZaccess-token-xyz",
  "token eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhayJ9.c2lnbmF0dXJl and Key fake-hf-id:fake-hf-secret-FUZZ",
  "<html><body>502 Bad Gateway</body></html>",
  "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"{\\\"scenes\\\":[{\\\"title\\\":\\\"T\\\",\\\"description\\\":\\\"d\\\",\\\"image_prompt\\\":\\\"i\\\",\\\"motion_prompt\\\":\\\"m\\\",\\\"camera_move\\\":\\\"static\\\",\\\"duration\\\":5}]}\",\"refusal\":null},\"finish_reason\":\"stop\"}]}",
  "{\"id\":\"resp_2\",\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"refusal\",\"refusal\":\"no\"}]}]}",
  "{\"id\":\"msg_1\",\"type\":\"message\",\"stop_reason\":\"tool_use\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"submit_scenes\",\"input\":{\"scenes\":[{\"title\":\"T\",\"description\":\"d\",\"image_prompt\":\"i\",\"motion_prompt\":\"m\",\"camera_move\":\"pan-left\",\"duration\":10}]}}]}",
  "{\"id\":\"msg_2\",\"type\":\"message\",\"stop_reason\":\"end_turn\",\"content\":[{\"type\":\"text\",\"text\":\"{\\\"scenes\\\": []}\"}]}",
  "",
};

static void
insert_byte (GByteArray *array,
             guint       pos,
             guint8      b)
{
  g_byte_array_append (array, &b, 1);
  memmove (array->data + pos + 1, array->data + pos, array->len - pos - 1);
  array->data[pos] = b;
}

static GByteArray *
mutate (GRand *rand)
{
  const char *seed = corpus[g_rand_int_range (rand, 0, G_N_ELEMENTS (corpus))];
  GByteArray *out = g_byte_array_new ();
  guint rounds = g_rand_int_range (rand, 0, 6);

  g_byte_array_append (out, (const guint8 *) seed, strlen (seed));
  for (guint r = 0; r < rounds; r++)
    {
      guint pos = out->len > 0 ? g_rand_int_range (rand, 0, out->len + 1) : 0;

      switch (g_rand_int_range (rand, 0, 8))
        {
        case 0:   /* flip a bit */
          if (out->len > 0)
            out->data[MIN (pos, out->len - 1)] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
          break;
        case 1:   /* a random byte, often invalid UTF-8 */
          {
            guint8 b = (guint8) g_rand_int_range (rand, 0, 256);
            insert_byte (out, pos, b);
          }
          break;
        case 2:   /* a deep run of brackets */
          {
            guint n = g_rand_boolean (rand) ? g_rand_int_range (rand, 1, 300)
                                            : g_rand_int_range (rand, 1000, 120000);
            GByteArray *run = g_byte_array_sized_new (n);
            guint8 open = g_rand_boolean (rand) ? '[' : '{';

            for (guint i = 0; i < n; i++)
              g_byte_array_append (run, &open, 1);
            g_byte_array_prepend (out, run->data, run->len);
            g_byte_array_unref (run);
          }
          break;
        case 3:   /* cut */
          g_byte_array_set_size (out, pos);
          break;
        case 4:   /* embed a secret */
          {
            const char *s = secrets[g_rand_int_range (rand, 0, G_N_ELEMENTS (secrets))];
            GByteArray *tail = g_byte_array_new ();

            g_byte_array_append (tail, out->data + pos, out->len - pos);
            g_byte_array_set_size (out, pos);
            g_byte_array_append (out, (const guint8 *) s, strlen (s));
            g_byte_array_append (out, tail->data, tail->len);
            g_byte_array_unref (tail);
          }
          break;
        case 5:   /* splice another corpus entry */
          {
            const char *other = corpus[g_rand_int_range (rand, 0, G_N_ELEMENTS (corpus))];
            g_byte_array_append (out, (const guint8 *) other, strlen (other));
          }
          break;
        case 6:   /* a NUL or an escape in the middle */
          {
            static const guint8 specials[] = { 0, '\\', '"', 0xc0, 0xed, 0xf4, 0xff };
            guint8 b = specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))];
            insert_byte (out, pos, b);
          }
          break;
        default:  /* duplicate itself */
          if (out->len < 200000)
            {
              g_autofree guint8 *copy = g_memdup2 (out->data, out->len);

              g_byte_array_append (out, copy, out->len);
            }
          break;
        }
    }
  return out;
}

static void
assert_clean (const char *text)
{
  if (text == NULL)
    return;
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (strstr (text, secrets[i]) != NULL)
      g_error ("a fake secret got through: %s", text);   /* fake secrets: fine to print */
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);   /* NUL-terminated copy */
  static const char *const headers[] = { "Content-Type: text/plain", "X-Correlation-ID: c", NULL };
  static gsize once;

  if (g_once_init_enter (&once))
    {
      for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
        heyai_http_redact_add_secret (secrets[i]);
      g_once_init_leave (&once, 1);
    }

  /* the redactor: any bytes */
  {
    g_autofree char *r1 = heyai_http_redact_bytes ((const char *) data, (gssize) size);
    g_autofree char *r2 = heyai_http_redact (text);

    assert_clean (r1);
    assert_clean (r2);
  }

  /* the depth guard and the guarded parser */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = heyai_json_parse_guarded ((const char *) data, (gssize) size, "Fuzz", &error);

    g_assert_true ((node == NULL) == (error != NULL));
    if (error != NULL)
      assert_clean (error->message);
  }

  /* responses: JSON, error detail (JSON and text/plain bodies) */
  for (guint kind = 0; kind < 2; kind++)
    {
      g_autoptr(HeyaiHttpResponse) response =
        heyai_http_response_new_for_test (400 + kind, kind == 0 ? NULL : headers, text);
      g_autofree char *detail = heyai_http_response_dup_error_detail (response);

      heyai_http_response_get_object (response, NULL);
      assert_clean (detail);
      if (detail != NULL)
        g_assert_cmpuint (g_utf8_strlen (detail, -1), <=, 300);
    }

  /* the LLM reply parser and validator */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) reply = heyai_llm_parse_reply_text (text, &error);

    g_assert_true ((reply == NULL) == (error != NULL));
    if (reply != NULL)
      g_assert_true (heyai_llm_validate_reply (reply, NULL));
  }

  /* the LLM clients' answer readers, as the split uses them */
  {
    static HeyaiLlmRemote *clients[3];
    g_autoptr(JsonNode) node = heyai_json_parse_guarded ((const char *) data, (gssize) size, "Fuzz", NULL);

    if (clients[0] == NULL)
      {
        HeyaiLlmOpenai *responses = heyai_llm_openai_new ("https://api.openai.com/v1", "k", NULL);

        heyai_llm_openai_set_api (responses, HEYAI_LLM_OPENAI_API_RESPONSES);
        clients[0] = HEYAI_LLM_REMOTE (responses);
        clients[1] = HEYAI_LLM_REMOTE (heyai_llm_openai_new ("http://127.0.0.1:9/v1", "", NULL));
        clients[2] = HEYAI_LLM_REMOTE (heyai_llm_anthropic_new ("http://127.0.0.1:9", "k", NULL));
      }
    for (guint i = 0; node != NULL && JSON_NODE_HOLDS_OBJECT (node) && i < G_N_ELEMENTS (clients); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(JsonNode) reply = heyai_llm_remote_read_reply (clients[i], json_node_get_object (node), &error);

        g_assert_true ((reply == NULL) == (error != NULL));
        if (reply != NULL)
          g_assert_true (heyai_llm_validate_reply (reply, NULL));
        else
          assert_clean (error->message);
      }
  }

  g_assert_cmpuint (heyai_higgsfield_parse_concurrency_cap (text), <=, 64);
  return 0;
}

#ifndef HEYAI_LIBFUZZER
int
main (int    argc,
      char **argv)
{
  const char *env_seconds = g_getenv ("HEYAI_FUZZ_SECONDS");
  const char *env_seed = g_getenv ("HEYAI_FUZZ_SEED");
  double seconds = env_seconds != NULL ? g_ascii_strtod (env_seconds, NULL) : 10.0;
  guint32 seed = env_seed != NULL ? (guint32) g_ascii_strtoull (env_seed, NULL, 10)
                                  : (guint32) g_get_real_time ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint64 runs = 0;

  g_test_init (&argc, &argv, NULL);
  g_print ("1..1\n");
  g_print ("# seed %u (HEYAI_FUZZ_SEED=%u replays it), %.0f s\n", seed, seed, seconds);

  /* every corpus entry as is, then mutations until the time is up */
  for (guint i = 0; i < G_N_ELEMENTS (corpus); i++)
    LLVMFuzzerTestOneInput ((const guint8 *) corpus[i], strlen (corpus[i]));
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GByteArray) input = mutate (rand);

      LLVMFuzzerTestOneInput (input->data, input->len);
      runs++;
    }
  g_print ("# %" G_GUINT64_FORMAT " inputs\n", runs);
  g_print ("ok 1 /net/fuzz/replies\n");
  return 0;
}
#endif
