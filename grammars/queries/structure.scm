; Document structure the live analysis needs from tree-sitter: function definitions (the unit of incremental
; re-analysis and of code lens ranges), the `SEC("...")` statement tree-sitter splits off before a definition (part
; of that unit: it names the program), and syntax errors that clang would reject (missing braces/parentheses).
(function_definition) @function
(expression_statement
  (call_expression function: (identifier) @sec.name (#eq? @sec.name "SEC"))) @sec
(ERROR) @error
