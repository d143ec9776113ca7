package org.liaison.sip;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Packages depend on each other in one direction only: a cycle means two packages can only be
 * understood, tested and changed together. Read from the compiled classes (tests left out) of
 * sip-server and of the im, provisioning and media-relay modules, which are on its class path; each
 * package, a module's root package included, is a slice of its own. The picture of sip-server's
 * packages is in docs/architecture.md.
 */
class PackageDependenciesTest {
    @Test
    void noPackageCycleInAnyModule() {
        slices().matching("org.liaison.(**)").should().beFreeOfCycles()
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("org.liaison.sip", "org.liaison.im", "org.liaison.provisioning",
                                "org.liaison.media"));
    }
}
