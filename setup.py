"""Build hook: compile the gettext catalogues (.po) into the .mo files that the wheel and the sdist ship.

The .mo is built, not kept in git (it would drift from the .po). The compiler is cloudplan's own
stdlib module (src/cloudplan/pofile.py), so the build needs neither Babel nor GNU msgfmt; a wheel
without its .mo would fall back to English without a word, which tests/test_language.py guards by
building the wheel and running it in French.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "src"))

from cloudplan import pofile  # noqa: E402  (after the path: the package is not installed yet)

LOCALE = HERE / "src" / "cloudplan" / "locale"


def compile_catalogues(package_dir: Path) -> list[str]:
    """Write locale/LANG/LC_MESSAGES/cloudplan.mo under *package_dir* for each .po; return their paths."""
    written = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        target = package_dir / "locale" / po.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pofile.write_mo(pofile.read_po(po.read_text(encoding="utf-8"))))
        written.append(str(target))
    return written


class BuildWithCatalogues(build_py):
    """build_py, then the .mo files beside the modules it copied (so bdist_wheel packs them)."""

    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "cloudplan"
        # The catalogue's sources stay out of the wheel: an installed cloudplan reads the .mo only.
        for source in [*package.glob("locale/*.pot"), *package.glob("locale/*/LC_MESSAGES/*.po")]:
            source.unlink()
        self._mo = compile_catalogues(package)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *getattr(self, "_mo", [])]


class SdistWithCatalogues(sdist):
    """sdist, with the compiled .mo files too (the .po and .pot come through MANIFEST.in)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        compile_catalogues(Path(base_dir) / "src" / "cloudplan")


setup(cmdclass={"build_py": BuildWithCatalogues, "sdist": SdistWithCatalogues})
