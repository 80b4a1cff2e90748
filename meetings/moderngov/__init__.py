"""ModernGov interoperability: the ``mgWebService.asmx`` web service that transparency tools
read (``service``, ``render``), and ``manage.py import_moderngov`` that brings a council's
meetings in from one (``parse``, ``importer``, ``sanitise``). ``models.ModernGovId`` keeps
each imported record's ModernGov id, so old ids are answered under the same numbers."""
