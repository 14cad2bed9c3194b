package dev.vyre.ir.check;

import dev.vyre.ir.BufferDecl;
import dev.vyre.ir.Expr;
import dev.vyre.ir.Program;
import dev.vyre.ir.ScalarType;
import java.util.Map;
import java.util.Objects;

/**
 * Types expressions of one program (for backends that lower a validated program): the type of an expression
 * under given variable types, by the same rules as {@link Validator}.
 */
public final class TypeChecker {
    private final Map<String, BufferDecl> buffers;

    /**
     * A type checker for the expressions of {@code program}.
     *
     * @throws ValidationException if the program's workgroup size or buffer declarations are invalid
     */
    public TypeChecker(Program program) {
        Findings findings = new Findings();
        this.buffers = Declarations.check(program, findings);
        if (!findings.isEmpty()) {
            throw new ValidationException(findings.sorted());
        }
    }

    /**
     * The type of {@code expr} (U32, I32, F32 or Bool) where {@code variables} gives the type of each visible
     * variable.
     *
     * @throws ValidationException if the expression is ill-typed or a variable type is not U32, I32, F32 or Bool
     *                             (paths start at {@code expr} and {@code variables})
     */
    public ScalarType typeOf(Expr expr, Map<String, ScalarType> variables) {
        Findings findings = new Findings();
        Checker checker = new Checker(buffers, findings);
        for (Map.Entry<String, ScalarType> v : variables.entrySet()) {
            Path at = Path.root("variables[" + Names.quote(v.getKey()) + "]", 0);
            if (!Operators.VALUES.contains(v.getValue())) {
                findings.add(at, "variable " + Names.quote(v.getKey()) + " has type "
                        + (v.getValue() == null ? "null" : Names.type(v.getValue()))
                        + "; variables hold U32, I32, F32 or Bool", "give the variable one of those types");
            } else {
                checker.declare(v.getKey(), v.getValue(), at);
            }
        }
        ScalarType type = checker.typeOf(expr, Path.root("expr", 1));
        if (!findings.isEmpty()) {
            throw new ValidationException(findings.sorted());
        }
        return Objects.requireNonNull(type, "an expression without problems has a known type");
    }
}
