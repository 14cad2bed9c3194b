/**
 * Pattern syntax: {@link dev.vyre.automata.regex.Parser} turns a {@link dev.vyre.automata.regex.PatternSpec} into
 * a flag-free {@link dev.vyre.automata.regex.Regex} tree, or refuses it with a {@link
 * dev.vyre.automata.regex.RegexSyntaxException} that points at the column.
 */
package dev.vyre.automata.regex;
