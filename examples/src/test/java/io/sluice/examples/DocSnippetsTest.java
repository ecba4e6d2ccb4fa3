package io.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every ```java block of README.md and docs/*.md appears, line for line (indentation aside), in a
 * source file of this module, which the build compiles: a snippet that stops compiling fails the
 * build, and one edited in the docs alone fails this test.
 */
class DocSnippetsTest {

  private static final Path ROOT = Path.of(System.getProperty("sluice.root", ".."));

  @Test
  void everyJavaSnippetOfTheDocsIsCompiledHere() throws IOException {
    List<String> sources = sources();
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    int checked = 0;
    List<String> missing = new ArrayList<>();
    for (Path doc : docs) {
      List<List<String>> snippets = javaSnippets(Files.readAllLines(doc));
      for (int i = 0; i < snippets.size(); i++) {
        String snippet = String.join("\n", snippets.get(i));
        checked++;
        if (sources.stream().noneMatch(source -> ("\n" + source + "\n").contains("\n" + snippet + "\n"))) {
          missing.add(ROOT.relativize(doc) + " snippet " + (i + 1) + ":\n" + snippet);
        }
      }
    }
    assertThat(missing).as("snippets not found in examples/src/test/java").isEmpty();
    assertThat(checked).as("snippets checked").isGreaterThanOrEqualTo(7);
  }

  @Test
  void aSnippetIsFoundOnlyWhenEveryLineMatches() {
    List<List<String>> snippets = javaSnippets(List.of("text", "```java", "  int a = 1;", "",
        "  int b = 2;", "```", "```sh", "ls", "```"));
    assertThat(snippets).containsExactly(List.of("int a = 1;", "int b = 2;"));
  }

  /** The ```java blocks, each as its trimmed non-blank lines. */
  static List<List<String>> javaSnippets(List<String> lines) {
    List<List<String>> snippets = new ArrayList<>();
    List<String> current = null;
    for (String line : lines) {
      if (current == null && line.strip().equals("```java")) {
        current = new ArrayList<>();
      } else if (current != null && line.strip().equals("```")) {
        snippets.add(current);
        current = null;
      } else if (current != null && !line.isBlank()) {
        current.add(line.strip());
      }
    }
    return snippets;
  }

  private static List<String> sources() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve("examples/src/test/java"))) {
      return files.filter(p -> p.toString().endsWith(".java")).map(DocSnippetsTest::normalised)
          .collect(Collectors.toList());
    }
  }

  private static String normalised(Path file) {
    try {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(String::strip)
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
