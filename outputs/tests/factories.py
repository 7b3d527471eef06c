from __future__ import annotations

from typing import Any

from outputs.models import Output
from outputs.services import AuthorIn, output_create

BIBTEX_WITH_DUPLICATE_AND_BROKEN = r"""
@article{marsh2021,
  author  = {Marsh, Helen and M{\"u}ller, J{\"o}rg},
  title   = {Diffusion-weighted {MRI} in stroke mimics},
  journal = {European Radiology},
  year    = {2021},
  doi     = {10.1007/s00330-020-07301-2}
}

@article{newone2023,
  author  = {Trainee, Test and Dupr\'{e}, Am\'elie},
  title   = {Out-of-hours {CT} head requests: an audit},
  journal = {Clinical Radiology},
  year    = {2023}
}

@article{broken2024,
  author  = {Trainee, Test
  title   = {An entry whose author never closes},
  year    = {2024}
}
"""

GOOD_BIBTEX = r"""
@article{newone2023,
  author  = {Trainee, Test and Dupr\'{e}, Am\'elie},
  title   = {Out-of-hours {CT} head requests: an audit},
  journal = {Clinical Radiology},
  year    = {2023},
  month   = jun,
  abstract = {First line
    second line}
}

@article{again2023,
  author  = {Trainee, Test},
  title   = {Out-of-hours CT head requests -- an audit},
  year    = {2023},
  doi     = {10.1000/audit.2023}
}

@misc{slides2020,
  author = {Trainee, Test},
  title  = {Some slides},
  year   = {2020}
}
"""


def make_output(person, *, title="Diffusion-weighted MRI in stroke mimics", authors=None, **values):
    defaults: dict[str, Any] = {"kind": Output.Kind.ARTICLE, "venue": "", "doi": ""}
    defaults.update(values)
    return output_create(
        actor=person,
        title=title,
        authors=authors or [AuthorIn(name=str(person), person=person)],
        **defaults,
    )
