"""Build hook: compile the gettext catalogues (.po) into the .mo files that the wheel and the sdist ship.

The .mo is built, not kept in git (it would drift from the .po). It is compiled by Babel, a build
requirement (pyproject.toml's [build-system]), so a wheel built anywhere carries it; fuzzy entries
are left out, as GNU msgfmt leaves them out. A wheel without its .mo would fall back to English
without a word, which tests/test_language.py guards by building the wheel and running it in French.
An editable install writes the .mo beside its .po in the source tree (where it is gitignored), so
that a checkout reads it as an installed cloudplan does.
"""

from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
LOCALE = HERE / "src" / "cloudplan" / "locale"


def compile_catalogues(package_dir: Path) -> list[str]:
    """Write locale/LANG/LC_MESSAGES/cloudplan.mo under *package_dir* for each .po; return their paths."""
    written = []
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with open(po, "rb") as f:
            catalog = read_po(f, abort_invalid=True)
        mo = BytesIO()
        write_mo(mo, catalog, use_fuzzy=False)
        target = package_dir / "locale" / po.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(mo.getvalue())
        written.append(str(target))
    return written


class BuildWithCatalogues(build_py):
    """build_py, then the .mo files beside the modules it copied (so bdist_wheel packs them)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            # The package is imported from the source tree: the .mo goes there, beside its .po.
            self._mo = compile_catalogues(LOCALE.parent)
            return
        package = Path(self.build_lib) / "cloudplan"
        # The catalogue's sources stay out of the wheel: an installed cloudplan reads the .mo only.
        for source in [*package.glob("locale/*.pot"), *package.glob("locale/*/LC_MESSAGES/*.po")]:
            source.unlink()
        self._mo = compile_catalogues(package)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        if getattr(self, "editable_mode", False):
            return super().get_outputs(include_bytecode)
        return [*super().get_outputs(include_bytecode), *getattr(self, "_mo", [])]


class SdistWithCatalogues(sdist):
    """sdist, with the compiled .mo files too (the .po and .pot come through MANIFEST.in)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        compile_catalogues(Path(base_dir) / "src" / "cloudplan")


setup(cmdclass={"build_py": BuildWithCatalogues, "sdist": SdistWithCatalogues})
